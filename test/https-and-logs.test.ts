import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { consumerStack, logicalId, producer, securityGroupRules } from './fixtures';
import { acknowledgements, failingControls, findings } from './judges';
import { AlbPrivateLinkRouter, AlbPrivateLinkRouterProps } from '../src';

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';
const certificates = [elbv2.ListenerCertificate.fromArn(CERTIFICATE_ARN)];

/** A router with one route. */
function build(props: Partial<AlbPrivateLinkRouterProps> = {}, inEuWest1 = false) {
  const { stack, vpc } = consumerStack({ inEuWest1 });
  const web = producer(stack, 'Web');
  const router = new AlbPrivateLinkRouter(stack, 'Router', {
    vpc,
    routes: [{ path: '/a', producerVpc: web.vpc, instances: web.instances }],
    ...props,
  });
  // Synthesised on first use, so tests can still add to the stack.
  return { stack, vpc, router, get template() { return Template.fromStack(stack); } };
}

/** Matches the listeners of the router's ALB (the route's NLB has one too). */
const albListener = (stack: any, router: AlbPrivateLinkRouter) => ({ LoadBalancerArn: { Ref: logicalId(stack, router.loadBalancer) } });
const groupIdOf = (stack: any, group: ec2.ISecurityGroup) => ({ 'Fn::GetAtt': [logicalId(stack, group as never), 'GroupId'] });

describe('HTTPS', () => {
  test('with certificates the listener is HTTPS on port 443 with the TLS 1.3 policy', () => {
    const { stack, router, template } = build({ certificates });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      LoadBalancerArn: { Ref: logicalId(stack, router.loadBalancer) },
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{ CertificateArn: CERTIFICATE_ARN }],
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: Match.objectLike({ StatusCode: '404' }) }],
    });
    expect(stack.resolve(router.listener.listenerArn)).toEqual({ Ref: logicalId(stack, router.listener) });
  });

  test('route rules are added to the HTTPS listener', () => {
    const { stack, router, template } = build({ certificates });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: { Ref: logicalId(stack, router.listener) },
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/a', '/a/*'] } }],
    });
  });

  test('certificates after the first are added to the listener for SNI', () => {
    const second = 'arn:aws:acm:eu-west-1:111111111111:certificate/second';
    const { stack, router, template } = build({ certificates: [...certificates, elbv2.ListenerCertificate.fromArn(second)] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerCertificate', {
      ListenerArn: { Ref: logicalId(stack, router.listener) },
      Certificates: [{ CertificateArn: second }],
    });
  });

  test('sslPolicy chooses the TLS policy', () => {
    const { template } = build({ certificates, sslPolicy: elbv2.SslPolicy.TLS13_13 });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTPS', SslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06' });
  });

  test('with certificates, port 80 answers every request with a permanent redirect to HTTPS on the listener port', () => {
    const { stack, router, template } = build({ certificates, listenerPort: 8443 });
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::Listener', albListener(stack, router), 2);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      LoadBalancerArn: { Ref: logicalId(stack, router.loadBalancer) },
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '8443', StatusCode: 'HTTP_301' } }],
    });
    expect(stack.resolve(router.httpRedirectListener!.listenerArn)).toEqual({ Ref: logicalId(stack, router.httpRedirectListener!) });
  });

  test('redirectHttp: false leaves the HTTP listener out', () => {
    const { stack, router, template } = build({ certificates, redirectHttp: false });
    expect(router.httpRedirectListener).toBeUndefined();
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::Listener', albListener(stack, router), 1);
  });

  test('without certificates there is one HTTP listener on port 80 and no redirect', () => {
    const { stack, router, template } = build();
    expect(router.httpRedirectListener).toBeUndefined();
    template.resourcePropertiesCountIs('AWS::ElasticLoadBalancingV2::Listener', albListener(stack, router), 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP', SslPolicy: Match.absent() });
  });

  test('when open, the world reaches ports 443 and 80 of the ALB and nothing else', () => {
    const { stack, router, template } = build({ certificates });
    const albGroup = logicalId(stack, router.loadBalancer.connections.securityGroups[0]);
    const worldRules = securityGroupRules(template)
      .filter(({ rule }) => rule.CidrIp !== undefined || rule.CidrIpv6 !== undefined)
      .filter(({ rule }) => rule.CidrIp !== '255.255.255.255/32')
      .map(({ group, direction, rule }) => `${group} ${direction} ${rule.IpProtocol} ${rule.FromPort}-${rule.ToPort} ${rule.CidrIp ?? rule.CidrIpv6}`);
    expect(worldRules.sort()).toEqual([
      `${albGroup} ingress tcp 443-443 0.0.0.0/0`,
      `${albGroup} ingress tcp 80-80 0.0.0.0/0`,
    ]);
  });

  test('with open: false neither port is open; connections admit clients on 443, and on 80 with allowFrom', () => {
    const built = build({ certificates, open: false });
    const { stack, vpc, router } = built;
    const clients = new ec2.SecurityGroup(stack, 'Clients', { vpc });
    router.connections.allowDefaultPortFrom(clients);
    router.connections.allowFrom(clients, ec2.Port.tcp(80));
    const template = built.template;
    const albGroup = groupIdOf(stack, router.loadBalancer.connections.securityGroups[0]);
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('AlbPrivateLinkRouter ALB'),
      SecurityGroupIngress: Match.absent(),
    });
    for (const port of [443, 80]) {
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
        GroupId: albGroup,
        SourceSecurityGroupId: groupIdOf(stack, clients),
        IpProtocol: 'tcp',
        FromPort: port,
        ToPort: port,
      });
    }
    template.resourcePropertiesCountIs('AWS::EC2::SecurityGroupIngress', { GroupId: albGroup }, 2);
  });

  test('sslPolicy without certificates is rejected', () => {
    expect(() => build({ sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS }))
      .toThrow(/Test\/Router: sslPolicy is set without certificates; give certificates for an HTTPS listener, or leave sslPolicy out/);
  });

  test('redirectHttp: true without certificates is rejected', () => {
    expect(() => build({ redirectHttp: true }))
      .toThrow(/Test\/Router: redirectHttp is true without certificates, so there is no HTTPS listener to redirect to/);
  });

  test('an empty certificates list is rejected', () => {
    expect(() => build({ certificates: [] }))
      .toThrow(/Test\/Router: certificates is empty; give at least one certificate/);
  });

  test('listenerPort 80 clashes with the redirect and is rejected', () => {
    expect(() => build({ certificates, listenerPort: 80 }))
      .toThrow(/Test\/Router: listenerPort is 80, the port of the HTTP listener that redirects to HTTPS; choose another listenerPort, or set redirectHttp: false/);
  });

  test('listenerPort 80 with certificates is allowed when nothing redirects', () => {
    const { template } = build({ certificates, listenerPort: 80, redirectHttp: false });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTPS' });
  });

  test('a router with certificates passes the HTTP-to-HTTPS redirect and ACM certificate controls', () => {
    const failing = failingControls(build({ certificates }).stack);
    expect(failing['CT.ELASTICLOADBALANCING.PR.1']).toBeUndefined();
    expect(failing['CT.ELASTICLOADBALANCING.PR.2']).toBeUndefined();
  });

  test('HTTPS adds no cdk-nag finding and no acknowledgement', () => {
    const { stack } = build({ certificates });
    expect(findings(stack).filter((finding) => finding.includes(' Test/Router/'))).toEqual([
      'AwsSolutions-ELB2 Test/Router/LoadBalancer/Resource',
    ]);
    expect(acknowledgements(stack).filter((line) => line.startsWith('Test/Router/')).sort()).toEqual([
      'Test/Router/SecurityGroup AwsSolutions-EC23',
      'Test/Router/a/Producer/LoadBalancer AwsSolutions-ELB2',
    ]);
  });
});
