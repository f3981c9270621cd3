import { App, CfnResource, Stack } from 'aws-cdk-lib';
import { Template, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { consumerStack, expectOnlyTcpBetween, groupIdOf, logicalId, producer, referencedIds, buildRouter as build } from './fixtures';
import { AlbPrivateLinkRouter, PrivateLinkProducer, PrivateLinkRoute } from '../src';

describe('a route', () => {
  const oneRoute = (web: ReturnType<typeof producer>) => [{ path: '/app', producerVpc: web.vpc, instances: web.instances, port: 8080 }];

  test('adds a listener rule forwarding its path patterns to its target group', () => {
    const { stack, router, template } = build(oneRoute);
    const [route] = router.routes;
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::ListenerRule', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: { Ref: logicalId(stack, router.listener) },
      Priority: route.priority,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/app', '/app/*'] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: { Ref: logicalId(stack, route.targetGroup) } }],
    });
  });

  test('targets the endpoint IP addresses from the lookup, on the route port, health-checked over HTTP', () => {
    const { stack, router, template } = build(oneRoute);
    const [route] = router.routes;
    const lookupId = logicalId(stack, route.endpointIpAddresses.customResource);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Protocol: 'HTTP',
      Port: 8080,
      HealthCheckProtocol: 'HTTP',
      HealthCheckPort: 'traffic-port',
      HealthCheckPath: '/',
      Targets: [
        { Id: { 'Fn::GetAtt': [lookupId, 'NetworkInterfaces.0.PrivateIpAddress'] }, Port: 8080 },
        { Id: { 'Fn::GetAtt': [lookupId, 'NetworkInterfaces.1.PrivateIpAddress'] }, Port: 8080 },
      ],
    });
  });

  test('creates an interface endpoint to its own endpoint service, in the isolated subnets, after the permissions', () => {
    const { stack, vpc, router, template } = build(oneRoute);
    const [route] = router.routes;
    const serviceId = stack.resolve((route.producer as PrivateLinkProducer).endpointService.vpcEndpointServiceId);
    template.hasResource('AWS::EC2::VPCEndpoint', {
      Properties: {
        VpcEndpointType: 'Interface',
        VpcId: { Ref: logicalId(stack, vpc) },
        ServiceName: { 'Fn::Join': ['.', ['com.amazonaws.vpce', { Ref: 'AWS::Region' }, serviceId]] },
        SubnetIds: vpc.isolatedSubnets.map((subnet) => ({ Ref: logicalId(stack, subnet) })),
        SecurityGroupIds: [groupIdOf(stack, router.endpointSecurityGroup)],
        PrivateDnsEnabled: false,
      },
      DependsOn: Match.arrayWith([serviceId.Ref, Match.stringLikeRegexp('Permissions')]),
    });
    template.hasResourceProperties('AWS::EC2::VPCEndpointService', {
      NetworkLoadBalancerArns: [{ Ref: logicalId(stack, (route.producer as PrivateLinkProducer).loadBalancer) }],
    });
  });

  test('opens the endpoint to the ALB only, on the route port, and lets the ALB send only there', () => {
    const { stack, router, template } = build(oneRoute);
    const albGroup = groupIdOf(stack, router.loadBalancer.connections.securityGroups[0]);
    const endpointGroup = groupIdOf(stack, router.endpointSecurityGroup);
    expectOnlyTcpBetween(template, albGroup, endpointGroup, 8080);
  });

  test('opens the instances to its NLB only, on the route port', () => {
    const { stack, web, router, template } = build(oneRoute);
    const [route] = router.routes;
    template.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', { GroupId: groupIdOf(stack, web.securityGroup) }, 1);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: groupIdOf(stack, web.securityGroup),
      SourceSecurityGroupId: groupIdOf(stack, (route.producer as PrivateLinkProducer).securityGroup),
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
    });
  });

  test('endpointSubnets places every endpoint', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      endpointSubnets: { subnets: [vpc.isolatedSubnets[1]] },
      routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { SubnetIds: [{ Ref: logicalId(stack, vpc.isolatedSubnets[1]) }] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      TargetType: 'ip',
      Targets: [{ Id: { 'Fn::GetAtt': [Match.anyValue(), 'NetworkInterfaces.0.PrivateIpAddress'] }, Port: 80 }],
    });
  });
});

describe('addRoute', () => {
  test('adds a route after construction and returns it', () => {
    const { stack, web, router } = build(() => []);
    const route = router.addRoute({ path: '/api/v2', producerVpc: web.vpc, instances: web.instances });
    expect(route.node.path).toBe('Test/Router/api-v2');
    expect(route.pathPatterns).toEqual(['/api/v2', '/api/v2/*']);
    expect(router.routes).toEqual([route]);
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Priority: route.priority,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api/v2', '/api/v2/*'] } }],
    });
  });

  test('an explicit id names the route\'s construct', () => {
    const { web, router } = build(() => []);
    expect(router.addRoute({ path: '/a', id: 'Mine', producerVpc: web.vpc, instances: web.instances }).node.path).toBe('Test/Router/Mine');
    expect(() => router.addRoute({ path: '/b', id: '', producerVpc: web.vpc, instances: web.instances }))
      .toThrow(/Test\/Router: id: route '\/b' has id ''; a construct ID must be a literal, non-empty string without '\/'/);
    expect(() => router.addRoute({ path: '/c', id: 'c/d', producerVpc: web.vpc, instances: web.instances }))
      .toThrow(/route '\/c' has id 'c\/d'; a construct ID must be a literal, non-empty string without '\/'/);
  });

  test('rejects a route whose derived ID is taken', () => {
    const { web, router } = build((w) => [{ path: '/a/b', producerVpc: w.vpc, instances: w.instances }]);
    expect(() => router.addRoute({ path: '/a-b', producerVpc: web.vpc, instances: web.instances }))
      .toThrow(/^Test\/Router: id: route '\/a-b' has the construct ID 'a-b' of route '\/a\/b'; give one of them a different 'id'/);
  });

  test('two routes with the same path report the repeated path, not the construct ID it repeats too', () => {
    expect(() => build((w) => [
      { path: '/a', producerVpc: w.vpc, instances: w.instances },
      { path: '/a', producerVpc: w.vpc, instances: w.instances },
    ])).toThrow(/^Test\/Router\/a: path: route '\/a' matches the same requests as route '\/a' \(Test\/Router\/a\); remove one of them\.$/);
  });

  test('rejects a route whose ID is one the router uses for itself', () => {
    const { web, router } = build(() => []);
    expect(() => router.addRoute({ path: '/LoadBalancer', producerVpc: web.vpc, instances: web.instances }))
      .toThrow(/Test\/Router: id: route '\/LoadBalancer' has construct ID 'LoadBalancer', which the router uses for its LoadBalancer; give the route a different 'id'/);
  });

  test('rejects a route that conflicts with an existing one, and does not count it among its routes', () => {
    const { web, router } = build((w) => [{ path: '/a', producerVpc: w.vpc, instances: w.instances }]);
    expect(() => router.addRoute({ path: '/a/', id: 'again', producerVpc: web.vpc, instances: web.instances }))
      .toThrow(/^Test\/Router\/again: path: route '\/a\/' matches the same requests as route '\/a' \(Test\/Router\/a\)/);
    expect(router.routes).toHaveLength(1);
  });

  test.each(['owned', 'imported'])('rejects a route to an %s producer for its own mistake before it makes the shared endpoint', (kind) => {
    const { stack, web, router } = build(() => []);
    const api = kind === 'owned'
      ? new PrivateLinkProducer(stack, 'Api', { vpc: web.vpc, instances: web.instances, port: 8080 })
      : PrivateLinkProducer.fromPrivateLinkProducerAttributes(stack, 'Api', { endpointServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0', port: 8080 });
    const constructsBefore = stack.node.findAll().map((construct) => construct.node.path);
    expect(() => router.addRoute({ path: '/api', producer: api, port: 9090 })).toThrow(/^Test\/Router\/api: port: producer 'Test\/Api' offers port 8080, not 9090; serve it first/);
    expect(() => router.addRoute({ path: '//api', producer: api })).toThrow(/^Test\/Router\/api: path: '\/\/api' has an empty segment/);
    // Only the rejected route itself, as far as it was built: CDK errors end the app.
    expect(stack.node.findAll().map((construct) => construct.node.path).sort()).toEqual([...constructsBefore, 'Test/Router/api'].sort());
  });

  test('rejects routes beyond maxRoutes', () => {
    const { web, router } = build(() => [], { maxRoutes: 1 });
    router.addRoute({ path: '/a', producerVpc: web.vpc, instances: web.instances });
    expect(() => router.addRoute({ path: '/b', producerVpc: web.vpc, instances: web.instances }))
      .toThrow(/maxRoutes: cannot add route '\/b': the listener already holds 1 routes\./);
  });

  test('counts the routes added to its listener directly toward maxRoutes', () => {
    const { stack, vpc, web, router } = build(() => [], { maxRoutes: 1 });
    new PrivateLinkRoute(stack, 'Direct', { listener: router.listener, vpc, path: '/a', producerVpc: web.vpc, instances: web.instances });
    expect(() => router.addRoute({ path: '/b', producerVpc: web.vpc, instances: web.instances }))
      .toThrow(/^Test\/Router: maxRoutes: cannot add route '\/b': the listener already holds 1 routes\./);
  });

  test('rejects a consumer VPC without private or isolated subnets for the endpoint', () => {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    const publicOnly = new ec2.Vpc(stack, 'PublicOnly', { maxAzs: 2, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', {
      vpc: publicOnly,
      routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }],
    })).toThrow(/^Test\/Router\/a: endpointSubnets: VPC 'Test\/PublicOnly' has no private or isolated subnets/);
  });
});

describe('changing the route list', () => {
  /** Logical IDs of every resource of each route, keyed by route path. */
  function routeResources(paths: string[]): Map<string, string[]> {
    const { stack, router } = build((web) => paths.map((path) => ({ path, producerVpc: web.vpc, instances: web.instances })));
    return new Map(router.routes.map((route) => [route.path, route.node.findAll()
      .filter((child): child is CfnResource => child instanceof CfnResource)
      .map((resource) => stack.resolve(resource.logicalId) as string)]));
  }

  test('adding, removing or reordering routes leaves the other routes\' logical IDs and priorities alone', () => {
    const before = routeResources(['/a', '/b', '/c']);
    expect(before.get('/a')!.length).toBeGreaterThanOrEqual(10);
    for (const after of [routeResources(['/a', '/b', '/c', '/d']), routeResources(['/a', '/c']), routeResources(['/c', '/a', '/b'])]) {
      for (const [path, ids] of after) {
        if (before.has(path)) expect(ids).toEqual(before.get(path));
      }
    }
  });

  test('a route\'s IP lookup refers to its endpoint only, so nothing else makes CloudFormation re-run it', () => {
    const { stack, router } = build((web) => [{ path: '/a', producerVpc: web.vpc, instances: web.instances }]);
    const [route] = router.routes;
    const lookup = Template.fromStack(stack).toJSON().Resources[logicalId(stack, route.endpointIpAddresses.customResource)];
    expect([...new Set(referencedIds([lookup.Properties.Create, lookup.Properties.Update]))]).toEqual([logicalId(stack, route.endpoint)]);
  });

  test('adding a route leaves another route\'s lookup alone; moving its endpoint to other subnets changes it', () => {
    const lookupOf = (paths: string[], endpointSubnets?: (vpc: ec2.Vpc) => ec2.SubnetSelection) => {
      const { stack, vpc } = consumerStack();
      const web = producer(stack, 'Web');
      const router = new AlbPrivateLinkRouter(stack, 'Router', {
        vpc,
        endpointSubnets: endpointSubnets?.(vpc),
        routes: paths.map((path) => ({ path, producerVpc: web.vpc, instances: web.instances })),
      });
      const id = logicalId(stack, router.routes[0].endpointIpAddresses.customResource);
      return { id, properties: Template.fromStack(stack).toJSON().Resources[id].Properties };
    };
    expect(lookupOf(['/a', '/b'])).toEqual(lookupOf(['/a']));
    const oneSubnet = lookupOf(['/a'], (vpc) => ({ subnets: [vpc.isolatedSubnets[0]] }));
    expect(oneSubnet.id).toEqual(lookupOf(['/a']).id);
    expect(oneSubnet.properties.Create).not.toEqual(lookupOf(['/a']).properties.Create);
  });

  test('a route keeps its priority whatever the other routes are', () => {
    const priorityOf = (paths: string[]) => {
      const { router } = build((web) => paths.map((path) => ({ path, producerVpc: web.vpc, instances: web.instances })));
      return router.routes.find((route) => route.path === '/a')!.priority;
    };
    expect(priorityOf(['/b', '/a'])).toBe(priorityOf(['/a']));
    expect(priorityOf(['/a', '/a/b', '/'])).toBe(priorityOf(['/a']));
  });
});

describe('hosts and rewrites', () => {
  test('a route with hosts and a path gets both conditions; a host-only route only the host condition', () => {
    const { template } = build((web) => [
      { path: '/v2', hosts: ['api.example.com'], producerVpc: web.vpc, instances: web.instances },
      { hosts: ['www.example.com', '*.www.example.com'], producerVpc: web.vpc, instances: web.instances },
    ]);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [
        { Field: 'host-header', HostHeaderConfig: { Values: ['api.example.com'] } },
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/v2', '/v2/*'] } },
      ],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['www.example.com', '*.www.example.com'] } }],
    });
  });

  test('host routes get their own construct IDs', () => {
    const { router } = build((web) => [
      { hosts: ['a.example.com'], producerVpc: web.vpc, instances: web.instances },
      { hosts: ['b.example.com'], producerVpc: web.vpc, instances: web.instances },
    ]);
    expect(router.routes.map((route) => route.node.id)).toEqual(['a.example.com', 'b.example.com']);
  });

  test('stripPathPrefix adds a URL rewrite to the rule, and nothing without it', () => {
    const { template } = build((web) => [
      { path: '/api', stripPathPrefix: true, producerVpc: web.vpc, instances: web.instances },
      { path: '/keep', producerVpc: web.vpc, instances: web.instances },
    ]);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api', '/api/*'] } }],
      Transforms: [{ Type: 'url-rewrite', UrlRewriteConfig: { Rewrites: [{ Regex: '^/api/?(.*)$', Replace: '/$1' }] } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/keep', '/keep/*'] } }],
      Transforms: Match.absent(),
    });
  });
});

test('no route refers to, or waits for, another route\'s resources', () => {
  const { stack, vpc } = consumerStack();
  const services = new Stack(stack.node.root as App, 'Services');
  const shared = producer(services, 'Shared', 1);
  const sharedProducer = new PrivateLinkProducer(services, 'SharedProducer', { vpc: shared.vpc, instances: shared.instances });
  const [a, b] = ['A', 'B'].map((id) => producer(stack, id, 1));
  const router = new AlbPrivateLinkRouter(stack, 'Router', {
    vpc,
    routes: [
      { path: '/a', producerVpc: a.vpc, instances: a.instances },
      { path: '/b', producerVpc: b.vpc, instances: b.instances, port: 8080 },
      { path: '/c', producer: sharedProducer },
      { path: '/d', producer: sharedProducer },
    ],
  });
  // The endpoint that /c and /d share is the router's, not either route's: each holds its rule.
  expect(router.routes[2].privateLinkTargetGroup).toBe(router.routes[3].privateLinkTargetGroup);
  expect(router.routes[2].privateLinkTargetGroup.node.scope).toBe(router);
  const resources = Template.fromStack(stack).toJSON().Resources;
  const idsOf = (route: PrivateLinkRoute) => new Set(route.node.findAll()
    .filter((child): child is CfnResource => child instanceof CfnResource)
    .map((resource) => stack.resolve(resource.logicalId) as string));
  const routeIds = router.routes.map(idsOf);
  router.routes.forEach((route, index) => {
    const others = new Set(routeIds.filter((_, other) => other !== index).flatMap((ids) => [...ids]));
    for (const id of routeIds[index]) {
      const prerequisites = [...referencedIds(resources[id]), ...[resources[id].DependsOn ?? []].flat()];
      expect({ route: route.path, id, onOtherRoutes: prerequisites.filter((prerequisite) => others.has(prerequisite)) })
        .toEqual({ route: route.path, id, onOtherRoutes: [] });
    }
  });
  expect(routeIds.every((ids) => ids.size > 0)).toBe(true);
});
