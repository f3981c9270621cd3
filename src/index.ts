export * from './alb-privatelink-router';
export * from './endpoint-ip-addresses';
export * from './private-link-producer';
export type { PrivateLinkRouteOptions } from './route';
