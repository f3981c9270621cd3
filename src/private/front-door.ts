import { Annotations, FeatureFlags, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { IConstruct } from 'constructs';
import type { RouteAuthentication } from '../route-authentication';

/** The port of HTTPS, where ALB's listeners take TLS and identity providers answer. */
export const HTTPS_PORT = 443;

/**
 * A WAFv2 web ACL's ARN: `arn:<partition>:wafv2:<region>:<account>:<scope>/webacl/<name>/<id>`,
 * scope `regional` or `global` (CloudFront).
 *
 * @see https://docs.aws.amazon.com/service-authorization/latest/reference/list_awswafv2.html#awswafv2-resources-for-iam-policies
 */
const WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:([a-z0-9-]+):(\d{12}):(regional|global)\/webacl\/([\w-]{1,128})\/([a-f0-9-]{1,128})$/;

/**
 * Throws for a web ACL an ALB cannot use: a malformed ARN, a CloudFront (global) one, or one in
 * another Region, where each can be known at synth time (a literal ARN, or the ARN of a web ACL
 * of the stack).
 *
 * @see https://docs.aws.amazon.com/waf/latest/developerguide/web-acl-associating-aws-resource.html
 */
export function validateWebAclArn(scope: IConstruct, webAclArn: string | undefined): void {
  if (webAclArn === undefined) return;
  const where = scope.node.path;
  const stack = Stack.of(scope);
  if (Token.isUnresolved(webAclArn)) {
    const webAcl = webAclOfStack(stack, webAclArn);
    if (webAcl && !Token.isUnresolved(webAcl.scope) && webAcl.scope !== 'REGIONAL') {
      throw new Error(`${where}: webAclArn: web ACL '${webAcl.node.path}' has scope ${webAcl.scope}, for CloudFront; an ALB takes a web ACL of scope REGIONAL in its own Region.`);
    }
    return;
  }
  const match = WEB_ACL_ARN.exec(webAclArn);
  if (!match) {
    throw new Error(`${where}: webAclArn: '${webAclArn}' is not the ARN of a WAFv2 web ACL (arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>).`);
  }
  const [, region, , arnScope] = match;
  if (arnScope === 'global') {
    throw new Error(`${where}: webAclArn: '${webAclArn}' is a global web ACL, for CloudFront; an ALB takes a regional one (…:regional/webacl/…) in its own Region.`);
  }
  if (!Token.isUnresolved(stack.region) && region !== stack.region) {
    throw new Error(`${where}: webAclArn: the web ACL is in ${region}, the ALB in ${stack.region}; a regional web ACL protects resources of its own Region only.`);
  }
}

/** The `CfnWebACL` of `stack` whose ARN `arn` refers to, if any. */
function webAclOfStack(stack: Stack, arn: string): wafv2.CfnWebACL | undefined {
  const resolved = stack.resolve(arn);
  const logicalId = resolved?.['Fn::GetAtt']?.[1] === 'Arn' ? resolved['Fn::GetAtt'][0] : undefined;
  return logicalId === undefined ? undefined : stack.node.findAll()
    .find((construct): construct is wafv2.CfnWebACL => construct instanceof wafv2.CfnWebACL && stack.resolve(construct.logicalId) === logicalId);
}

/** Whether ALB takes IPv6 clients with `type`. */
export function isDualStack(type: elbv2.IpAddressType | undefined): boolean {
  return type === elbv2.IpAddressType.DUAL_STACK || type === elbv2.IpAddressType.DUAL_STACK_WITHOUT_PUBLIC_IPV4;
}

/**
 * Throws for an IP address type the ALB cannot have: without public IPv4 only when
 * internet-facing, and dual-stack only in subnets with IPv6 CIDR blocks. Subnets not defined in
 * the app are warned of: their IPv6 blocks cannot be seen.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-ip-address-type.html
 */
export function validateIpAddressType(scope: IConstruct, type: elbv2.IpAddressType | undefined, internetFacing: boolean,
  subnets: ec2.ISubnet[]): void {
  const where = scope.node.path;
  const ipv6Only = subnets.find((subnet) => cfnSubnetOf(subnet)?.ipv6Native === true);
  if (ipv6Only) {
    throw new Error(`${where}: loadBalancerSubnets: subnet '${ipv6Only.node.path}' is IPv6-only (ipv6Native), and the ALB needs IPv4 addresses in its subnets: it reaches the interface endpoints over IPv4. Place the ALB in dual-stack or IPv4 subnets.`);
  }
  if (!isDualStack(type)) return;
  if (type === elbv2.IpAddressType.DUAL_STACK_WITHOUT_PUBLIC_IPV4 && !internetFacing) {
    throw new Error(`${where}: ipAddressType: DUAL_STACK_WITHOUT_PUBLIC_IPV4 is for an internet-facing ALB (an internal one has no public IPv4 addresses to leave out); use DUAL_STACK, or internetFacing: true.`);
  }
  const blocksOf = subnets.map(hasIpv6CidrBlock);
  const withoutIpv6 = subnets.find((_, index) => blocksOf[index] === false);
  if (withoutIpv6) {
    const name = Object.entries(elbv2.IpAddressType).find(([, value]) => value === type)?.[0];
    throw new Error(`${where}: ipAddressType: ${name} needs subnets with IPv6 CIDR blocks, and subnet '${withoutIpv6.node.path}' of the ALB has none; give the VPC IPv6 (ipProtocol: ec2.IpProtocol.DUAL_STACK), or leave ipAddressType out.`);
  }
  if (blocksOf.includes(undefined)) {
    Annotations.of(scope).addWarningV2('cdk-alb-privatelink-router:ipv6Unknown',
      `${where}: ipAddressType: cannot tell at synth time whether the ALB's subnets have IPv6 CIDR blocks (they are not defined in the app); a dual-stack ALB in a subnet without one fails to deploy.`);
  }
}

/** The L1 subnet of a subnet defined in the app. */
function cfnSubnetOf(subnet: ec2.ISubnet): ec2.CfnSubnet | undefined {
  const cfnSubnet = subnet.node.defaultChild;
  return cfnSubnet instanceof ec2.CfnSubnet ? cfnSubnet : undefined;
}

/**
 * Whether `subnet` has an IPv6 CIDR block: undefined where that cannot be told, for a subnet not
 * defined in the app.
 */
function hasIpv6CidrBlock(subnet: ec2.ISubnet): boolean | undefined {
  const cfnSubnet = cfnSubnetOf(subnet);
  if (cfnSubnet === undefined) return undefined;
  return cfnSubnet.ipv6CidrBlock !== undefined || cfnSubnet.ipv6IpamPoolId !== undefined || cfnSubnet.ipv6Native === true
    || ipv6BlockAssociationsOf([subnet]).length > 0;
}

/**
 * The `AWS::EC2::SubnetCidrBlock` resources of the app that give `subnets` their IPv6 blocks, as
 * a VPC may, apart from its subnets: a dual-stack ALB must wait for them.
 *
 * @see https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-subnetcidrblock.html
 */
export function ipv6BlockAssociationsOf(subnets: ec2.ISubnet[]): ec2.CfnSubnetCidrBlock[] {
  return subnets.flatMap((subnet) => {
    const cfnSubnet = cfnSubnetOf(subnet);
    if (cfnSubnet === undefined) return [];
    const stack = Stack.of(cfnSubnet);
    const subnetId = JSON.stringify(stack.resolve(cfnSubnet.ref));
    return stack.node.findAll().filter((construct): construct is ec2.CfnSubnetCidrBlock =>
      construct instanceof ec2.CfnSubnetCidrBlock && JSON.stringify(stack.resolve(construct.subnetId)) === subnetId);
  });
}

/**
 * Opens `listener` to any IPv6 address, where aws-cdk-lib does not: it does for DUAL_STACK, and
 * for DUAL_STACK_WITHOUT_PUBLIC_IPV4 only with a feature flag. Its own rule has its own
 * description, so adding one beside it would be a duplicate rule, which EC2 refuses.
 */
export function openToIpv6(listener: elbv2.ApplicationListener, type: elbv2.IpAddressType | undefined, port: number): void {
  const cdkOpensIt = type === elbv2.IpAddressType.DUAL_STACK
    || (type === elbv2.IpAddressType.DUAL_STACK_WITHOUT_PUBLIC_IPV4
      && FeatureFlags.of(listener).isEnabled(cxapi.ALB_DUALSTACK_WITHOUT_PUBLIC_IPV4_SECURITY_GROUP_RULES_DEFAULT));
  if (isDualStack(type) && !cdkOpensIt) {
    listener.connections.allowDefaultPortFrom(ec2.Peer.anyIpv6(), `Allow from anyone on port ${port}`);
  }
}

/**
 * A name ACM issues a certificate for: labels of letters, digits and hyphens (not at either
 * end), the first may be `*`; at most 64 characters, since the first name of a certificate is
 * its subject's common name.
 *
 * @see https://docs.aws.amazon.com/acm/latest/APIReference/API_RequestCertificate.html
 */
const CERTIFICATE_DOMAIN_NAME = /^(\*\.)?((?!-)[a-z0-9-]{0,62}[a-z0-9]\.)+(?!-)[a-z0-9-]{0,62}[a-z0-9]$/;
const MAX_FIRST_DOMAIN_NAME_LENGTH = 64;

/**
 * Throws unless `domainName` and `domainZone` come together, and the name is one ACM can issue a
 * DNS-validated certificate for in that zone: a valid name of at most 64 characters, in the zone
 * (where both are literal), which is public (DNS validation needs public DNS).
 *
 * @see https://docs.aws.amazon.com/acm/latest/userguide/dns-validation.html
 */
export function validateDomain(scope: IConstruct, domainName: string | undefined, domainZone: route53.IHostedZone | undefined): void {
  const where = scope.node.path;
  if (domainName === undefined && domainZone === undefined) return;
  if (domainName === undefined) {
    throw new Error(`${where}: domainName: domainZone is given without it; give the name the router answers to, or leave domainZone out.`);
  }
  if (domainZone === undefined) {
    throw new Error(`${where}: domainZone: domainName '${domainName}' needs the public hosted zone to validate its certificate in and to hold its alias record; give it, or give certificates instead.`);
  }
  if (domainZone instanceof route53.PrivateHostedZone) {
    throw new Error(`${where}: domainZone: '${domainZone.node.path}' is a private hosted zone, and ACM validates a certificate through public DNS only; give the public zone of the name.`);
  }
  if (Token.isUnresolved(domainName)) return;
  if (!CERTIFICATE_DOMAIN_NAME.test(domainName) || domainName.length > MAX_FIRST_DOMAIN_NAME_LENGTH) {
    throw new Error(`${where}: domainName: '${domainName}' is not a name ACM issues a certificate for: lower-case labels of letters, digits and hyphens, the first may be '*', ${MAX_FIRST_DOMAIN_NAME_LENGTH} characters at most.`);
  }
  const zoneName = Token.isUnresolved(domainZone.zoneName) ? undefined : domainZone.zoneName.replace(/\.$/, '').toLowerCase();
  if (zoneName !== undefined && domainName !== zoneName && !domainName.endsWith(`.${zoneName}`)) {
    throw new Error(`${where}: domainName: '${domainName}' is not in hosted zone '${zoneName}', where its certificate is validated and its record goes; give a name in the zone, or the zone of the name.`);
  }
}

/**
 * Throws where ALB would not authenticate on `listener`: one that is not HTTPS, and OIDC or
 * Cognito on an ALB without public IPv4, which reaches their endpoints over IPv4 only. An
 * imported listener's protocol cannot be seen, and is warned of.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-ip-address-type.html
 */
export function validateAuthenticatedListener(scope: IConstruct, listener: elbv2.IApplicationListener, authentication: RouteAuthentication): void {
  const where = scope.node.path;
  if (!(listener instanceof elbv2.ApplicationListener)) {
    Annotations.of(scope).addWarningV2('cdk-alb-privatelink-router:authenticationListenerUnknown',
      `${where}: authentication: cannot tell at synth time whether listener '${listener.node.path}' is HTTPS (it is not defined in the app); ALB authenticates on HTTPS listeners only.`);
    return;
  }
  if (listener.protocol !== elbv2.ApplicationProtocol.HTTPS) {
    throw new Error(`${where}: authentication: ALB authenticates on HTTPS listeners only, and listener '${listener.node.path}' is ${listener.protocol}; make it HTTPS (a router's: give it certificates or domainName), or leave authentication out.`);
  }
  const loadBalancer = listener.loadBalancer;
  if (authentication.needsPublicIpv4 && loadBalancer instanceof elbv2.ApplicationLoadBalancer
    && loadBalancer.ipAddressType === elbv2.IpAddressType.DUAL_STACK_WITHOUT_PUBLIC_IPV4) {
    throw new Error(`${where}: authentication: ${authentication.kind} needs an ALB with public IPv4, which reaches the identity provider over IPv4 only, and '${loadBalancer.node.path}' is DUAL_STACK_WITHOUT_PUBLIC_IPV4; use ipAddressType DUAL_STACK, or RouteAuthentication.jwt.`);
  }
}
