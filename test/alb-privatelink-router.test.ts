import { App, CfnResource, Duration, Fn, Stack } from 'aws-cdk-lib';
import { Annotations, Template, Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { consumerStack, expectLeastPrivilege, expectOnlyTcpBetween, logicalId, producer, referencedIds, securityGroupRules } from './fixtures';
import { AlbPrivateLinkRouter, AlbPrivateLinkRouterProps, PrivateLinkProducer, PrivateLinkRoute, PrivateLinkRouteOptions, PrivateLinkTargetGroup } from '../src';

function build(routes: (web: ReturnType<typeof producer>) => PrivateLinkRouteOptions[], props: Partial<AlbPrivateLinkRouterProps> = {}) {
  const { stack, vpc } = consumerStack();
  const web = producer(stack, 'Web');
  const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: routes(web), ...props });
  // Synthesised on first use, so tests can still add to the stack.
  return { stack, vpc, web, router, get template() { return Template.fromStack(stack); } };
}

const groupIdOf = (stack: any, group: ec2.ISecurityGroup) => ({ 'Fn::GetAtt': [logicalId(stack, group as never), 'GroupId'] });

describe('the load balancer', () => {
  test('is internet-facing in the public subnets, drops invalid headers, and answers 404 when no route matches', () => {
    const { stack, vpc, router, template } = build(() => []);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'application',
      Scheme: 'internet-facing',
      Subnets: vpc.publicSubnets.map((subnet) => ({ Ref: logicalId(stack, subnet) })),
      LoadBalancerAttributes: Match.arrayWith([{ Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' }]),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      LoadBalancerArn: { Ref: logicalId(stack, router.loadBalancer) },
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: Match.anyValue() } }],
    });
  });

  test('admits anyone on the listener port by default, and nothing else', () => {
    const { template } = build(() => []);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('AlbPrivateLinkRouter ALB'),
      SecurityGroupIngress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 80, ToPort: 80, Description: Match.anyValue() }],
    });
  });

  test('with open: false admits only what connections allow, on the listener port', () => {
    const built = build(() => [], { open: false, listenerPort: 8080 });
    const { stack, vpc, router } = built;
    const clients = new ec2.SecurityGroup(stack, 'Clients', { vpc });
    router.connections.allowDefaultPortFrom(clients);
    const template = built.template;
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('AlbPrivateLinkRouter ALB'),
      SecurityGroupIngress: Match.absent(),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: groupIdOf(stack, router.loadBalancer.connections.securityGroups[0]),
      SourceSecurityGroupId: groupIdOf(stack, clients),
      IpProtocol: 'tcp',
      FromPort: 8080,
      ToPort: 8080,
    });
  });

  test('internetFacing: false puts an internal ALB in the private subnets', () => {
    const { template } = build(() => [], { internetFacing: false });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'application', Scheme: 'internal' });
  });

  test('an internet-facing ALB in a VPC without public subnets is rejected', () => {
    const { stack } = consumerStack();
    const isolated = producer(stack, 'Isolated').vpc;
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc: isolated }))
      .toThrow(/Test\/Router: an internet-facing ALB needs public subnets, and VPC 'Test\/Isolated' has none/);
    expect(() => new AlbPrivateLinkRouter(stack, 'Internal', { vpc: isolated, internetFacing: false })).not.toThrow();
  });

  test.each([0, -1, 2.5])('maxRoutes %p is rejected', (maxRoutes) => {
    expect(() => build(() => [], { maxRoutes })).toThrow(/Test\/Router: maxRoutes must be a positive integer/);
  });

  test('an invalid listener port is rejected', () => {
    expect(() => build(() => [], { listenerPort: 70000 })).toThrow(/Test\/Router: listenerPort: port must be an integer from 1 to 65535/);
  });
});

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
    const serviceId = stack.resolve(route.producer!.endpointService.vpcEndpointServiceId);
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
      NetworkLoadBalancerArns: [{ Ref: logicalId(stack, route.producer!.loadBalancer) }],
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
      SourceSecurityGroupId: groupIdOf(stack, route.producer!.securityGroup),
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
      .toThrow(/Test\/Router: route '\/b' has id ''; a construct ID must be non-empty without '\/'/);
    expect(() => router.addRoute({ path: '/c', id: 'c/d', producerVpc: web.vpc, instances: web.instances }))
      .toThrow(/route '\/c' has id 'c\/d'; a construct ID must be non-empty without '\/'/);
  });

  test('rejects a route whose derived ID is taken', () => {
    const { web, router } = build((w) => [{ path: '/a/b', producerVpc: w.vpc, instances: w.instances }]);
    expect(() => router.addRoute({ path: '/a-b', producerVpc: web.vpc, instances: web.instances }))
      .toThrow(/Test\/Router: routes '\/a\/b' and '\/a-b' have the same construct ID 'a-b'; give one of them a different 'id'/);
  });

  test('two routes with the same path report the repeated path, not the construct ID it repeats too', () => {
    expect(() => build((w) => [
      { path: '/a', producerVpc: w.vpc, instances: w.instances },
      { path: '/a', producerVpc: w.vpc, instances: w.instances },
    ])).toThrow(/^Routes '\/a' and '\/a' match the same requests; remove one of them\.$/);
  });

  test('rejects a route whose ID is one the router uses for itself', () => {
    const { web, router } = build(() => []);
    expect(() => router.addRoute({ path: '/LoadBalancer', producerVpc: web.vpc, instances: web.instances }))
      .toThrow(/Test\/Router: route '\/LoadBalancer' has construct ID 'LoadBalancer', which the router uses for its LoadBalancer; give the route a different 'id'/);
  });

  test('rejects a route that conflicts with an existing one and leaves no trace of it', () => {
    const { web, router } = build((w) => [{ path: '/a', producerVpc: w.vpc, instances: w.instances }]);
    expect(() => router.addRoute({ path: '/a/', id: 'again', producerVpc: web.vpc, instances: web.instances }))
      .toThrow(/Routes '\/a' and '\/a\/' match the same requests/);
    expect(router.node.tryFindChild('again')).toBeUndefined();
    expect(router.routes).toHaveLength(1);
  });

  test('rejects routes beyond maxRoutes', () => {
    const { web, router } = build(() => [], { maxRoutes: 1 });
    router.addRoute({ path: '/a', producerVpc: web.vpc, instances: web.instances });
    expect(() => router.addRoute({ path: '/b', producerVpc: web.vpc, instances: web.instances }))
      .toThrow(/maxRoutes: cannot add route '\/b': the listener already holds 1 routes\./);
  });

  test('rejects a consumer VPC without private or isolated subnets for the endpoint', () => {
    const { stack } = consumerStack();
    const web = producer(stack, 'Web');
    const publicOnly = new ec2.Vpc(stack, 'PublicOnly', { maxAzs: 2, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', {
      vpc: publicOnly,
      routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }],
    })).toThrow(/Test\/Router\/a\/PrivateLink: VPC 'Test\/PublicOnly' has no private or isolated subnets/);
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

describe('Availability Zones', () => {
  /** A stack in eu-west-1 whose consumer VPC spans three named zones and producer VPC two. */
  function threeZoneConsumer() {
    const { stack, vpc } = consumerStack({ inEuWest1: true, maxAzs: 3 });
    const web = producer(stack, 'Web');
    expect(vpc.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b', 'eu-west-1c']);
    expect(web.vpc.availabilityZones).toEqual(['eu-west-1a', 'eu-west-1b']);
    return { stack, vpc, web };
  }

  test('default endpoint subnets leave out zones the producer NLB does not cover', () => {
    const { stack, vpc, web } = threeZoneConsumer();
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }] });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', {
      SubnetIds: vpc.isolatedSubnets.slice(0, 2).map((subnet) => ({ Ref: logicalId(stack, subnet) })),
    });
    expect(router.routes[0].endpointIpAddresses.ipAddresses).toHaveLength(2);
  });

  test('explicit endpoint subnets in a zone the producer NLB does not cover are rejected', () => {
    const { stack, vpc, web } = threeZoneConsumer();
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      endpointSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }],
    })).toThrow(/Test\/Router\/a\/PrivateLink: endpointSubnets: the endpoint subnets are in Availability Zones \(eu-west-1c\) where the producer's load balancer has no subnet \(it has eu-west-1a, eu-west-1b\)/);
  });

  test('named zones are compared by name', () => {
    const { stack } = consumerStack();
    const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-1',
      availabilityZones: ['eu-west-1a', 'eu-west-1b'],
      publicSubnetIds: ['subnet-p1', 'subnet-p2'],
      isolatedSubnetIds: ['subnet-i1', 'subnet-i2'],
    });
    const namedProducer = ec2.Vpc.fromVpcAttributes(stack, 'NamedProducer', {
      vpcId: 'vpc-2',
      availabilityZones: ['eu-west-1b', 'eu-west-1c'],
      isolatedSubnetIds: ['subnet-n1', 'subnet-n2'],
    });
    new AlbPrivateLinkRouter(stack, 'Router', { vpc: imported, routes: [{ path: '/a', producerVpc: namedProducer, ipAddresses: ['10.2.0.10'] }] });
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::VPCEndpoint', { SubnetIds: ['subnet-i2'] });
  });

  test.each([
    ['a producer the route creates', (web: ReturnType<typeof producer>): PrivateLinkRouteOptions => ({ producerVpc: web.vpc, instances: web.instances })],
    ['a service known by name only', (): PrivateLinkRouteOptions => ({ endpointServiceName: 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0' })],
  ])('two endpoint subnets in one zone are rejected, for %s', (_what, target) => {
    const { stack, vpc, web } = threeZoneConsumer();
    const sameZone = ['10.0.200.0/24', '10.0.201.0/24'].map((cidrBlock, index) => new ec2.Subnet(stack, `Extra${index}`, {
      vpcId: vpc.vpcId, availabilityZone: 'eu-west-1a', cidrBlock,
    }));
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      endpointSubnets: { subnets: sameZone },
      routes: [{ path: '/a', id: 'a', ...target(web) }],
    })).toThrow(/Test\/Router\/.*PrivateLink.*: endpointSubnets: two endpoint subnets are in eu-west-1a; an interface endpoint takes at most one subnet per Availability Zone/);
  });

  test('a producer VPC without private or isolated subnets is rejected, naming the producer', () => {
    const { stack, vpc } = consumerStack();
    const publicOnly = new ec2.Vpc(stack, 'PublicOnly', { maxAzs: 2, subnetConfiguration: [{ name: 'p', subnetType: ec2.SubnetType.PUBLIC }] });
    expect(() => new AlbPrivateLinkRouter(stack, 'Other', { vpc, routes: [{ path: '/a', producerVpc: publicOnly, ipAddresses: ['10.0.0.10'] }] }))
      .toThrow(/Test\/Other\/a\/ProducerPublicOnly[0-9A-F]{8}: VPC 'Test\/PublicOnly' has no private or isolated subnets/);
  });

  test('subnets of the other side\'s VPC, or none at all, are rejected naming the route or its endpoint', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const attempt = (id: string, extra: Partial<PrivateLinkRouteOptions>, routerProps: Partial<AlbPrivateLinkRouterProps> = {}) =>
      () => new AlbPrivateLinkRouter(stack, id, { vpc, ...routerProps, routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances, ...extra }] });
    expect(attempt('R1', {}, { endpointSubnets: { subnets: web.vpc.isolatedSubnets } }))
      .toThrow(/Test\/R1\/a\/PrivateLink: the endpoint subnets include subnet 'Test\/Web\/isolatedSubnet1' of VPC 'Test\/Web', but they must be in VPC 'Test\/Consumer'/);
    expect(attempt('R2', { producerSubnets: { subnets: vpc.isolatedSubnets } }))
      .toThrow(/Route '\/a': the producer subnets include subnet 'Test\/Consumer\/isolatedSubnet1' of VPC 'Test\/Consumer', but they must be in VPC 'Test\/Web'/);
    expect(attempt('R3', {}, { endpointSubnets: { subnets: [] } }))
      .toThrow(/Test\/R3\/a\/PrivateLink: the endpoint subnets selection picks no subnet in VPC 'Test\/Consumer'/);
    expect(attempt('R4', { producerSubnets: { subnets: [] } }))
      .toThrow(/Route '\/a': the producer subnets selection picks no subnet in VPC 'Test\/Web'/);
  });

  test('zones that cannot be compared at synth time give a warning', () => {
    const { stack, vpc } = consumerStack();
    const imported = ec2.Vpc.fromVpcAttributes(stack, 'Imported', {
      vpcId: 'vpc-2',
      availabilityZones: [Fn.importValue('ZoneA'), Fn.importValue('ZoneB')],
      isolatedSubnetIds: ['subnet-n1', 'subnet-n2'],
    });
    new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/a', producerVpc: imported, ipAddresses: ['10.2.0.10'] }] });
    Annotations.fromStack(stack).hasWarning('/Test/Router/a/PrivateLink', Match.stringLikeRegexp("Test/Router/a/PrivateLink: cannot tell at synth time whether the producer's load balancer covers"));
  });
});

describe('security groups', () => {
  test('descriptions hold only characters EC2 accepts, whatever the path', () => {
    const { stack } = build((web) => [{ path: "/~o'b\"?", producerVpc: web.vpc, instances: web.instances }]);
    const descriptions = [
      ...securityGroupRules(Template.fromStack(stack)).map(({ rule }) => rule.Description),
      ...Object.values(Template.fromStack(stack).findResources('AWS::EC2::SecurityGroup')).map((group) => group.Properties.GroupDescription),
    ].filter((description) => typeof description === 'string');
    for (const description of descriptions) {
      expect(description).toMatch(/^[A-Za-z0-9 ._\-:/()#,@[\]+=&;{}!$*]*$/);
    }
  });


  test('every rule the router creates names TCP on a route or listener port, and only the listener is open to the world', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const api = producer(stack, 'Api', 1);
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      listenerPort: 8000,
      routes: [
        { path: '/web', producerVpc: web.vpc, instances: web.instances, port: 8080 },
        { path: '/api', producerVpc: api.vpc, instances: api.instances, port: 9090 },
      ],
    });
    const template = Template.fromStack(stack);
    expectLeastPrivilege(template, {
      allowedPorts: [8000, 8080, 9090],
      worldGroup: logicalId(stack, router.loadBalancer.connections.securityGroups[0] as never),
      worldPort: 8000,
    });
    // ALB->endpoint and NLB->instances, both directions, per route.
    expect(securityGroupRules(template).filter(({ rule }) => rule.IpProtocol === 'tcp' && rule.FromPort !== 8000)).toHaveLength(8);
  });
});

describe('shared resources', () => {
  test('routes share one endpoint security group, with one ALB rule pair per port', () => {
    const { stack, vpc } = consumerStack();
    const [a, b, c] = ['A', 'B', 'C'].map((id) => producer(stack, id, 1));
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      routes: [
        { path: '/a', producerVpc: a.vpc, instances: a.instances },
        { path: '/b', producerVpc: b.vpc, instances: b.instances },
        { path: '/c', producerVpc: c.vpc, instances: c.instances, port: 8080 },
      ],
    });
    const template = Template.fromStack(stack);
    const endpointGroup = groupIdOf(stack, router.endpointSecurityGroup);
    for (const endpoint of Object.values(template.findResources('AWS::EC2::VPCEndpoint'))) {
      expect(endpoint.Properties.SecurityGroupIds).toEqual([endpointGroup]);
    }
    const albGroup = groupIdOf(stack, router.loadBalancer.connections.securityGroups[0]);
    const fromAlb = template.findResources('AWS::EC2::SecurityGroupIngress', { Properties: { GroupId: endpointGroup } });
    expect(Object.values(fromAlb).map((rule) => [rule.Properties.SourceSecurityGroupId, rule.Properties.FromPort, rule.Properties.ToPort]))
      .toEqual([[albGroup, 80, 80], [albGroup, 8080, 8080]]);
    const toEndpoints = template.findResources('AWS::EC2::SecurityGroupEgress', { Properties: { GroupId: albGroup } });
    expect(Object.values(toEndpoints).map((rule) => [rule.Properties.DestinationSecurityGroupId, rule.Properties.FromPort]))
      .toEqual([[endpointGroup, 80], [endpointGroup, 8080]]);
  });

  test('with producers in their own stacks, each route adds 4 resources to the consumer stack', () => {
    const consumerResources = (routes: number) => {
      const { stack, vpc } = consumerStack();
      const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
      for (let index = 0; index < routes; index++) {
        const services = new Stack(stack.node.root as App, `Services${index}`);
        const web = producer(services, 'Web', 1);
        router.addRoute({ path: `/s${index}`, producer: new PrivateLinkProducer(services, 'Producer', { vpc: web.vpc, instances: web.instances }) });
      }
      return Object.keys(Template.fromStack(stack).toJSON().Resources).length;
    };
    // Endpoint, IP lookup, ALB target group, listener rule.
    expect(consumerResources(3) - consumerResources(2)).toBe(4);
  });
});

describe('existing producers', () => {
  function withProducer() {
    const { stack, vpc } = consumerStack();
    const services = new Stack(stack.node.root as App, 'Services');
    const web = producer(services, 'Web');
    const api = new PrivateLinkProducer(services, 'Api', { vpc: web.vpc, instances: web.instances, port: 8080 });
    return { stack, vpc, services, web, api };
  }

  test('a producer in its own stack leaves the consumer stack with the endpoint only', () => {
    const { stack, vpc, services, api } = withProducer();
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/api', producer: api }] });
    const consumer = Template.fromStack(stack);
    consumer.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' }, 0);
    consumer.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['.', ['com.amazonaws.vpce', { Ref: 'AWS::Region' }, { 'Fn::ImportValue': Match.anyValue() }]] },
    });
    consumer.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'ip', Port: 8080 });
    Template.fromStack(services).resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' }, 1);
    expect(router.routes[0].producer).toBe(api);
    expect(router.routes[0].port).toBe(8080);
  });

  test('routes naming one producer share its endpoint, IP lookup and target group', () => {
    const { stack, vpc, api } = withProducer();
    const router = new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      routes: [{ path: '/api', producer: api }, { path: '/v2/api', producer: api }],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    template.resourceCountIs('Custom::EndpointIpAddresses', 1);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    const targetGroupId = logicalId(stack, router.routes[0].targetGroup);
    const rules = Object.values(template.findResources('AWS::ElasticLoadBalancingV2::ListenerRule'));
    expect(rules.map((rule) => rule.Properties.Actions[0].TargetGroupArn)).toEqual([{ Ref: targetGroupId }, { Ref: targetGroupId }]);
  });

  test('the shared endpoint is named after the producer, so removing the route that came first keeps it', () => {
    const endpointId = (paths: string[]) => {
      const { stack, vpc, api } = withProducer();
      const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: paths.map((path) => ({ path, producer: api })) });
      return logicalId(stack, router.routes[0].endpoint);
    };
    expect(endpointId(['/b'])).toEqual(endpointId(['/a', '/b']));
    expect(endpointId(['/b'])).toMatch(/^RouterPrivateLinkServicesApiEndpoint/);
  });

  test.each([
    ['both a producer and producerVpc', (web: ReturnType<typeof producer>, api: PrivateLinkProducer) => ({ producer: api, producerVpc: web.vpc }),
      /Route '\/x': give exactly one of producerVpc with instances \(or autoScalingGroups or ipAddresses\) for a producer the route creates, an existing producer, or an endpointServiceName/],
    ['a producer VPC but no targets', (web: ReturnType<typeof producer>) => ({ producerVpc: web.vpc }),
      /Route '\/x': no targets; give at least one instance, Auto Scaling group or IP address/],
    ['nothing to route to', () => ({}),
      /Route '\/x': give exactly one of producerVpc with instances/],
    ['a port other than the producer\'s', (_web: ReturnType<typeof producer>, api: PrivateLinkProducer) => ({ producer: api, port: 80 }),
      /Route '\/x': port 80 differs from the port 8080 of producer 'Services\/Api'; leave port out/],
  ])('a route with %s is rejected', (_what, target, message) => {
    const { stack, vpc, web, api } = withProducer();
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/x', ...target(web, api) }] })).toThrow(message);
  });

  test('a route given the target group of another producer is rejected', () => {
    const { stack, vpc, web, api } = withProducer();
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
    const other = new PrivateLinkProducer(stack, 'Other', { vpc: web.vpc, instances: web.instances, port: 8080 });
    const forApi = new PrivateLinkTargetGroup(stack, 'ForApi', { vpc, producer: api });
    expect(() => new PrivateLinkRoute(stack, 'Route', { route: { path: '/x', producer: other }, listener: router.listener, vpc, privateLinkTargetGroup: forApi }))
      .toThrow(/Route '\/x': privateLinkTargetGroup 'Test\/ForApi' is for another producer or service/);
  });

  test('a route that creates its own producer refuses a target group, before creating anything', () => {
    const { stack, vpc, web, api } = withProducer();
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc });
    const forApi = new PrivateLinkTargetGroup(stack, 'ForApi', { vpc, producer: api });
    expect(() => new PrivateLinkRoute(stack, 'Route', { route: { path: '/x', producerVpc: web.vpc, instances: web.instances }, listener: router.listener, vpc, privateLinkTargetGroup: forApi }))
      .toThrow(/Route '\/x': privateLinkTargetGroup 'Test\/ForApi' cannot serve a route that creates its own producer/);
    expect(stack.node.tryFindChild('Route')?.node.children ?? []).toEqual([]);
  });

  const duplicateWarning = /Route '\/b' creates a producer for the same targets, port and settings as route '\/a'.*Create one PrivateLinkProducer and give it to both routes as 'producer'/;

  test('a route creating a producer for the same targets, port and settings as another is warned of', () => {
    const { stack } = build((web) => [
      { path: '/a', producerVpc: web.vpc, instances: web.instances },
      { path: '/b', producerVpc: web.vpc, instances: [...web.instances].reverse() },
    ]);
    const annotations = Annotations.fromStack(stack);
    annotations.hasWarning('/Test/Router/b', Match.stringLikeRegexp(duplicateWarning.source));
    expect(annotations.findWarning('/Test/Router/a', Match.anyValue())).toEqual([]);
  });

  test.each([
    ['other instances', (web: ReturnType<typeof producer>) => ({ instances: web.instances.slice(1) })],
    ['another port', () => ({ port: 8080 })],
    ['another health check', () => ({ healthCheck: { path: '/b' } })],
    ['other producer subnets', (web: ReturnType<typeof producer>) => ({ producerSubnets: { subnets: web.vpc.isolatedSubnets.slice(0, 1) } })],
  ])('a route creating a producer with %s is not warned of', (_what, differ) => {
    const { stack } = build((web) => [
      { path: '/a', producerVpc: web.vpc, instances: web.instances },
      { path: '/b', producerVpc: web.vpc, instances: web.instances, ...differ(web) },
    ]);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(duplicateWarning.source))).toEqual([]);
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

describe('routes to an endpoint service by name', () => {
  const serviceName = 'com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0';

  test('creates no producer, only the endpoint to the named service, on the route port', () => {
    const { stack, vpc } = consumerStack();
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, routes: [{ path: '/partner', endpointServiceName: serviceName, port: 8443 }] });
    const template = Template.fromStack(stack);
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', { Type: 'network' }, 0);
    template.hasResource('AWS::EC2::VPCEndpoint', {
      Properties: { ServiceName: serviceName, SubnetIds: vpc.isolatedSubnets.map((subnet) => ({ Ref: logicalId(stack, subnet) })) },
      DependsOn: Match.absent(),
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'ip', Port: 8443 });
    expect(router.routes[0].producer).toBeUndefined();
    expect(logicalId(stack, router.routes[0].endpoint)).toMatch(/^RouterPrivateLinkvpcesvc0123456789abcdef08443Endpoint/);
  });

  test('routes to one service and port share its endpoint; their health check goes to the ALB target group', () => {
    const { stack, vpc } = consumerStack();
    const healthCheck = { path: '/ping', healthyHttpCodes: '200,204' };
    new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      routes: [
        { path: '/a', endpointServiceName: serviceName, healthCheck, deregistrationDelay: Duration.seconds(20) },
        { path: '/b', endpointServiceName: serviceName, healthCheck, deregistrationDelay: Duration.seconds(20) },
        { path: '/c', endpointServiceName: serviceName, port: 8080 },
      ],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 2);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      Port: 80,
      HealthCheckProtocol: 'HTTP',
      HealthCheckPath: '/ping',
      Matcher: { HttpCode: '200,204' },
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '20' }]),
    });
  });

  test('routes to a service name imported from another stack share its endpoint', () => {
    const { stack, vpc } = consumerStack();
    new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      routes: [
        { path: '/a', endpointServiceName: Fn.importValue('OrdersServiceName') },
        { path: '/b', endpointServiceName: Fn.importValue('OrdersServiceName') },
      ],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: { 'Fn::ImportValue': 'OrdersServiceName' } });
  });

  test('routes sharing a service must agree on its health check', () => {
    const { stack, vpc } = consumerStack();
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      routes: [
        { path: '/a', endpointServiceName: serviceName, healthCheck: { path: '/a' } },
        { path: '/b', endpointServiceName: serviceName, healthCheck: { path: '/b' } },
      ],
    })).toThrow(/route '\/b' and route '\/a' share an endpoint service and port but give different healthCheck or deregistrationDelay/);
  });

  test('routes sharing a service agree on a delay given in minutes by one and in seconds by the other', () => {
    const { stack, vpc } = consumerStack();
    new AlbPrivateLinkRouter(stack, 'Router', {
      vpc,
      routes: [
        { path: '/a', endpointServiceName: serviceName, deregistrationDelay: Duration.minutes(1), healthCheck: { path: '/ping', interval: Duration.minutes(1) } },
        { path: '/b', endpointServiceName: serviceName, deregistrationDelay: Duration.seconds(60), healthCheck: { path: '/ping', interval: Duration.seconds(60) } },
      ],
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckIntervalSeconds: 60,
      HealthCheckTimeoutSeconds: 5,
      TargetGroupAttributes: Match.arrayWith([{ Key: 'deregistration_delay.timeout_seconds', Value: '60' }]),
    });
  });

  test('a route given both a service name and instances, or a health check for an existing producer, is rejected', () => {
    const { stack, vpc } = consumerStack();
    const web = producer(stack, 'Web');
    const existing = new PrivateLinkProducer(stack, 'Existing', { vpc: web.vpc, instances: web.instances });
    expect(() => new AlbPrivateLinkRouter(stack, 'R1', { vpc, routes: [{ path: '/x', endpointServiceName: serviceName, instances: web.instances }] }))
      .toThrow(/Route '\/x': give exactly one of producerVpc with instances/);
    expect(() => new AlbPrivateLinkRouter(stack, 'R2', { vpc, routes: [{ path: '/x', producer: existing, healthCheck: { path: '/h' } }] }))
      .toThrow(/Route '\/x': healthCheck and deregistrationDelay of a route to an existing producer come from the producer/);
    expect(() => new AlbPrivateLinkRouter(stack, 'R3', { vpc, routes: [{ path: '/x', instances: web.instances }] }))
      .toThrow(/Route '\/x': give producerVpc, the VPC of the instances/);
  });

  test('a route that creates its producer passes its health check to both target groups', () => {
    const { template } = build((web) => [{ path: '/a', producerVpc: web.vpc, instances: web.instances, healthCheck: { path: '/healthz' } }]);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'instance', HealthCheckProtocol: 'HTTP', HealthCheckPath: '/healthz' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { TargetType: 'ip', HealthCheckProtocol: 'HTTP', HealthCheckPath: '/healthz' });
  });
});

test('PrivateLinkRoute adds a route to a listener of your own, with an endpoint security group of its own', () => {
  const { stack, vpc } = consumerStack();
  const web = producer(stack, 'Web');
  const alb = new elbv2.ApplicationLoadBalancer(stack, 'Alb', { vpc, internetFacing: true });
  const listener = alb.addListener('Http', { port: 80, defaultAction: elbv2.ListenerAction.fixedResponse(404) });
  const route = new PrivateLinkRoute(stack, 'Route', {
    route: { path: '/x', producerVpc: web.vpc, instances: web.instances, id: 'ignored' },
    listener,
    vpc,
  });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
    ListenerArn: { Ref: logicalId(stack, listener) },
    Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/x', '/x/*'] } }],
  });
  const [endpointGroup] = route.privateLinkTargetGroup.connections.securityGroups;
  expectOnlyTcpBetween(template, groupIdOf(stack, alb.connections.securityGroups[0]), groupIdOf(stack, endpointGroup), 80);
  expect(route.node.id).toBe('Route');
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
