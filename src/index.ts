export * from './alb-privatelink-router';
export * from './endpoint-ip-addresses';
export * from './private-link-consumer';
export * from './private-link-producer';
export * from './private-link-route';
export * from './private-link-target-group';
export * from './route-authentication';
export * from './router-monitoring';
