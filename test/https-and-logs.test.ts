import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { consumerStack, consumerVpc, logicalId, producer, securityGroupRules } from './fixtures';
import { acknowledgements, failingControls, findings } from './judges';
import { AlbPrivateLinkRouter, AlbPrivateLinkRouterProps, PrivateLinkProducer } from '../src';

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:111111111111:certificate/11111111-2222-3333-4444-555555555555';
const certificates = [elbv2.ListenerCertificate.fromArn(CERTIFICATE_ARN)];

/** A router with one route; `inEuWest1` gives the stack the region access logs need. */
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

  test.each([
    ['with the post-quantum feature flag on, the default policy is aws-cdk-lib\'s post-quantum TLS 1.3/1.2 policy', true, 'ELBSecurityPolicy-TLS13-1-2-PQ-2025-09'],
    ['with the post-quantum feature flag off, the default policy is RECOMMENDED_TLS, not the ELB API\'s TLS 1.0 default', false, 'ELBSecurityPolicy-TLS13-1-2-2021-06'],
  ])('%s', (_title, postQuantum, sslPolicy) => {
    const stack = new Stack(new App({ context: { [cxapi.ELB_USE_POST_QUANTUM_TLS_POLICY]: postQuantum } }), 'Test');
    new AlbPrivateLinkRouter(stack, 'Router', { vpc: consumerVpc(stack, 'Consumer', 2), certificates });
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Protocol: 'HTTPS', SslPolicy: sslPolicy });
  });

  test('an explicit sslPolicy wins over the post-quantum feature flag', () => {
    const stack = new Stack(new App({ context: { [cxapi.ELB_USE_POST_QUANTUM_TLS_POLICY]: true } }), 'Test');
    new AlbPrivateLinkRouter(stack, 'Router', { vpc: consumerVpc(stack, 'Consumer', 2), certificates, sslPolicy: elbv2.SslPolicy.TLS13_13 });
    Template.fromStack(stack).hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { SslPolicy: 'ELBSecurityPolicy-TLS13-1-3-2021-06' });
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
      .toThrow(/Test\/Router: sslPolicy: is set without certificates or domainName; give one of them for an HTTPS listener, or leave sslPolicy out/);
  });

  test('redirectHttp: true without certificates is rejected', () => {
    expect(() => build({ redirectHttp: true }))
      .toThrow(/Test\/Router: redirectHttp: is true without certificates or domainName, so there is no HTTPS listener to redirect to/);
  });

  test('an empty certificates list is rejected', () => {
    expect(() => build({ certificates: [] }))
      .toThrow(/Test\/Router: certificates: is empty; give at least one certificate/);
  });

  test('listenerPort 80 clashes with the redirect and is rejected', () => {
    expect(() => build({ certificates, listenerPort: 80 }))
      .toThrow(/Test\/Router: listenerPort: is 80, the port of the HTTP listener that redirects to HTTPS; choose another listenerPort, or set redirectHttp: false/);
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
      'Test/Router/a/ProducerWeb3C8945DB/LoadBalancer AwsSolutions-ELB2',
    ]);
  });
});

describe('access logs', () => {
  const bucketOf = (built: ReturnType<typeof build>) => logicalId(built.stack, built.router.accessLogsBucket!);

  test('by default the ALB writes no access logs and the router creates no bucket', () => {
    const { router, template } = build({}, true);
    expect(router.accessLogsBucket).toBeUndefined();
    template.resourceCountIs('AWS::S3::Bucket', 0);
  });

  test('accessLogs: true creates a bucket and the ALB writes to it under the prefix', () => {
    const built = build({ accessLogs: true, accessLogsPrefix: 'router' }, true);
    built.template.resourceCountIs('AWS::S3::Bucket', 1);
    built.template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Type: 'application',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'access_logs.s3.enabled', Value: 'true' },
        { Key: 'access_logs.s3.bucket', Value: { Ref: bucketOf(built) } },
        { Key: 'access_logs.s3.prefix', Value: 'router' },
      ]),
    });
  });

  test('the created bucket is SSE-S3 encrypted, private, without ACLs or versioning, and retained', () => {
    const built = build({ accessLogs: true }, true);
    built.template.hasResource('AWS::S3::Bucket', {
      Properties: {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        VersioningConfiguration: Match.absent(),
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
  });

  test('the created bucket refuses requests without TLS', () => {
    const built = build({ accessLogs: true }, true);
    built.template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketOf(built) },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        })]),
      },
    });
  });

  test('the created bucket deletes logs after 90 days', () => {
    build({ accessLogs: true }, true).template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 90, Status: 'Enabled' }] },
    });
  });

  test('accessLogsRetention sets when the created bucket deletes logs', () => {
    build({ accessLogs: true, accessLogsRetention: Duration.days(30) }, true).template.hasResourceProperties('AWS::S3::Bucket', {
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: 30, Status: 'Enabled' }] },
    });
  });

  test('accessLogsBucket is used as given, and no bucket is created', () => {
    const { stack, vpc } = consumerStack({ inEuWest1: true });
    const bucket = new s3.Bucket(stack, 'Logs', { encryption: s3.BucketEncryption.S3_MANAGED, enforceSSL: true });
    const router = new AlbPrivateLinkRouter(stack, 'Router', { vpc, accessLogsBucket: bucket });
    expect(router.accessLogsBucket).toBe(bucket);
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 1);
  });

  test('access logs in a stack without a region are rejected naming the router', () => {
    expect(() => build({ accessLogs: true }))
      .toThrow(/Test\/Router: accessLogs: access logs need a stack with an explicit region: .* Give the stack an env with a region, or leave access logs off/);
  });

  test('an access-log bucket in a stack without a region is rejected naming the router', () => {
    const { stack, vpc } = consumerStack();
    const bucket = new s3.Bucket(stack, 'Logs');
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc, accessLogsBucket: bucket }))
      .toThrow(/Test\/Router: accessLogs: access logs need a stack with an explicit region/);
  });

  test('accessLogs: false with accessLogsBucket is rejected', () => {
    const { stack, vpc } = consumerStack({ inEuWest1: true });
    const bucket = new s3.Bucket(stack, 'Logs');
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc, accessLogs: false, accessLogsBucket: bucket }))
      .toThrow(/Test\/Router: accessLogsBucket: is given but accessLogs is false/);
  });

  test('accessLogsRetention without a created bucket is rejected', () => {
    expect(() => build({ accessLogsRetention: Duration.days(30) }, true))
      .toThrow(/Test\/Router: accessLogsRetention: applies only to the bucket the router creates/);
  });

  test('accessLogsRetention with an own bucket is rejected', () => {
    const { stack, vpc } = consumerStack({ inEuWest1: true });
    const bucket = new s3.Bucket(stack, 'Logs');
    expect(() => new AlbPrivateLinkRouter(stack, 'Router', { vpc, accessLogsBucket: bucket, accessLogsRetention: Duration.days(30) }))
      .toThrow(/Test\/Router: accessLogsRetention: applies only to the bucket the router creates/);
  });

  test.each([Duration.hours(36), Duration.days(0)])('accessLogsRetention %p is rejected', (retention) => {
    expect(() => build({ accessLogs: true, accessLogsRetention: retention }, true))
      .toThrow(/Test\/Router: accessLogsRetention: must be a whole number of days, at least 1/);
  });

  test('accessLogsPrefix without access logs is rejected', () => {
    expect(() => build({ accessLogsPrefix: 'router' }, true))
      .toThrow(/Test\/Router: accessLogsPrefix: is set without accessLogsBucket; give the bucket too, or set accessLogs: true/);
  });

  test('the created bucket has only the server-access-logs acknowledgement and no cdk-nag finding', () => {
    const { stack } = build({ accessLogs: true }, true);
    expect(findings(stack).filter((finding) => finding.includes(' Test/Router/'))).toEqual([]);
    expect(acknowledgements(stack).filter((line) => line.startsWith('Test/Router/')).sort()).toEqual([
      'Test/Router/AccessLogsBucket AwsSolutions-S1',
      'Test/Router/SecurityGroup AwsSolutions-EC23',
      'Test/Router/a/ProducerWeb3C8945DB/LoadBalancer AwsSolutions-ELB2',
    ]);
  });

  test('with access logs the ALB passes the access-log control; only the TCP NLB fails it', () => {
    const built = build({ accessLogs: true }, true);
    const failing = failingControls(built.stack);
    expect(failing['CT.ELASTICLOADBALANCING.PR.6']).toEqual([logicalId(built.stack, (built.router.routes[0].producer as PrivateLinkProducer).loadBalancer)]);
  });

  /**
   * The S3 controls the created bucket fails, each with why. The test fails when one more fails,
   * and when one of these starts passing (update the list and the README's Security section).
   */
  const BUCKET_KNOWN_FAILURES: Record<string, string> = {
    'CT.S3.PR.2': 'server access logs of the log bucket would need another bucket (acknowledged as cdk-nag S1)',
    'CT.S3.PR.4': 'nothing needs to hear about each new log file',
    'CT.S3.PR.9': 'Object Lock needs versioning and would keep logs past the retention',
    'CT.S3.PR.10': 'ALB access logs support only SSE-S3, not KMS',
    'CT.S3.PR.11': 'log files are written once under new keys; versions would keep nothing more',
  };

  test('the created bucket fails only the known S3 controls', () => {
    const built = build({ accessLogs: true }, true);
    const bucket = bucketOf(built);
    const failing = Object.entries(failingControls(built.stack))
      .filter(([, ids]) => ids.includes(bucket))
      .map(([control]) => control);
    expect(failing.sort()).toEqual(Object.keys(BUCKET_KNOWN_FAILURES).sort());
  });
});
