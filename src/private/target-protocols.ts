import { Annotations } from 'aws-cdk-lib';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type { IConstruct } from 'constructs';
import type { IPrivateLinkProducer } from '../private-link-producer';
import { portAttributesOf } from './ports';

/** A producer and port a route forwards to. */
interface RouteDestination {
  readonly producer: IPrivateLinkProducer;
  readonly port: number;
}

/**
 * Throws where ALB would refuse a route's rule for the protocol versions of its destinations:
 * HTTP2 and GRPC target groups take HTTPS listeners only, and rules whose only action is
 * `forward`, so no authentication; and one forward action's groups must take the same requests,
 * since ALB answers a request its group's version cannot carry with 464 (a gRPC request to an
 * HTTP1 group, an HTTP/1.1 request to an HTTP2 or GRPC one). An imported listener's protocol
 * cannot be seen, and is warned of.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-target-groups.html#target-group-protocol-version
 */
export function validateRouteProtocols(route: IConstruct, listener: elbv2.IApplicationListener, destinations: RouteDestination[],
  authenticated: boolean): void {
  const where = route.node.path;
  const versions = destinations.map(({ producer, port }) => portAttributesOf(where, producer, port).protocolVersion
    ?? elbv2.ApplicationProtocolVersion.HTTP1);
  const differing = versions.findIndex((version) => version !== versions[0]);
  if (differing !== -1) {
    throw new Error(`${where}: producers: producers[0] ('${destinations[0].producer.node.path}') takes ${versions[0]} and producers[${differing}] ('${destinations[differing].producer.node.path}') ${versions[differing]} on their ports; ALB refuses with 464 a request that its group's protocol version cannot carry, so give the producers of one route one protocol version.`);
  }
  const version = versions[0];
  if (version === elbv2.ApplicationProtocolVersion.HTTP1) {
    return;
  }
  const { producer, port } = destinations[0];
  const target = `producer '${producer.node.path}' takes ${version} on port ${port}`;
  if (authenticated) {
    throw new Error(`${where}: authentication: ${target}, and ALB's rules to ${version} target groups can only forward, not authenticate; leave authentication out, or route to an HTTP1 port.`);
  }
  if (!(listener instanceof elbv2.ApplicationListener)) {
    Annotations.of(route).addWarningV2('cdk-alb-privatelink-router:protocolVersionListenerUnknown',
      `${where}: listener: ${target}, which ALB serves on HTTPS listeners only, and whether listener '${listener.node.path}' is HTTPS cannot be told at synth time (it is not defined in the app).`);
    return;
  }
  if (listener.protocol !== elbv2.ApplicationProtocol.HTTPS) {
    throw new Error(`${where}: listener: ${target}, which ALB serves on HTTPS listeners only, and listener '${listener.node.path}' is ${listener.protocol}; make it HTTPS (a router's: give it certificates or domainName), or route to an HTTP1 port.`);
  }
}
