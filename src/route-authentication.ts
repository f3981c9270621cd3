import { Duration, SecretValue, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as elbv2Actions from 'aws-cdk-lib/aws-elasticloadbalancingv2-actions';

/**
 * The session a user's sign-in starts at the ALB, and what the ALB does with a request that has
 * none: settings OIDC and Cognito authentication share.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 */
export interface RouteAuthenticationSessionOptions {
  /**
   * What the ALB does with a request without a valid session: `AUTHENTICATE` redirects it to the
   * identity provider to sign in (302), `DENY` answers 401, `ALLOW` forwards it without the
   * user's claims (for a route that serves both).
   *
   * @default elbv2.UnauthenticatedAction.AUTHENTICATE
   */
  readonly onUnauthenticatedRequest?: elbv2.UnauthenticatedAction;

  /**
   * The claims to ask the identity provider for, space-separated.
   *
   * @default 'openid'
   */
  readonly scope?: string;

  /**
   * The name of the cookie that holds the session.
   *
   * @default 'AWSELBAuthSessionCookie'
   */
  readonly sessionCookieName?: string;

  /**
   * How long a session lasts, from 1 second to 7 days.
   *
   * @default Duration.days(7)
   */
  readonly sessionTimeout?: Duration;

  /**
   * Query parameters, up to 10, the ALB adds to the redirect to the identity provider's
   * authorization endpoint.
   *
   * @default - none
   */
  readonly authenticationRequestExtraParams?: Record<string, string>;
}

/** An OpenID Connect identity provider that signs users in for a route. */
export interface OidcRouteAuthenticationOptions extends RouteAuthenticationSessionOptions {
  /** The identity provider's issuer identifier, an `https://` URL. */
  readonly issuer: string;

  /** Where the ALB sends users to sign in, an `https://` URL. */
  readonly authorizationEndpoint: string;

  /** Where the ALB trades the code for tokens, an `https://` URL the ALB can reach. */
  readonly tokenEndpoint: string;

  /** Where the ALB reads the user's claims, an `https://` URL the ALB can reach. */
  readonly userInfoEndpoint: string;

  /** The client ID the identity provider gave the ALB. */
  readonly clientId: string;

  /**
   * The client secret the identity provider gave the ALB, for example
   * `SecretValue.secretsManager('oidc-client')`. CloudFormation writes it into the listener
   * rule, which shows it to whoever may describe the rule; a dynamic reference keeps it out of
   * the template.
   */
  readonly clientSecret: SecretValue;
}

/** An Amazon Cognito user pool that signs users in for a route. */
export interface CognitoRouteAuthenticationOptions extends RouteAuthenticationSessionOptions {
  /** The user pool. */
  readonly userPool: cognito.IUserPool;

  /**
   * The user pool's app client for the ALB: it needs a client secret (`generateSecret: true`),
   * the authorization-code grant, and the callback URL `https://<your domain>/oauth2/idpresponse`.
   */
  readonly userPoolClient: cognito.IUserPoolClient;

  /** The user pool's domain, where users sign in. */
  readonly userPoolDomain: cognito.IUserPoolDomain;
}

/** How the value of a JWT claim is written, for ALB to compare it. */
export enum JwtClaimFormat {
  /** One string: the claim must equal one of the values. */
  SINGLE_STRING = 'single-string',
  /** A JSON array of strings: the claim must hold one of the values. */
  STRING_ARRAY = 'string-array',
  /** Values separated by spaces, as `scope` is: the claim must hold one of the values. */
  SPACE_SEPARATED_VALUES = 'space-separated-values',
}

/** A claim a JWT must carry, beyond the issuer and expiry that ALB always checks. */
export interface JwtClaim {
  /** The claim's name, for example `scope` or `aud`. */
  readonly name: string;

  /** How the claim's value is written. */
  readonly format: JwtClaimFormat;

  /** The values the claim is compared with: one of them must match. */
  readonly values: string[];
}

/** JSON Web Tokens that clients bring, which the ALB verifies for a route. */
export interface JwtRouteAuthenticationOptions {
  /** The issuer the tokens' `iss` claim must name, an `https://` URL of at most 256 characters. */
  readonly issuer: string;

  /**
   * Where the ALB reads the public keys that sign the tokens, an `https://` URL of at most 256
   * characters that the ALB can reach.
   */
  readonly jwksEndpoint: string;

  /**
   * Further claims the tokens must carry, up to 10.
   *
   * @default - the issuer, expiry and (if present) not-before claims only
   */
  readonly additionalClaims?: JwtClaim[];
}

/**
 * ALB's limits on the settings: each is checked before anything is made.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_AuthenticateOidcActionConfig.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_JwtValidationActionConfig.html
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_JwtValidationActionAdditionalClaim.html
 */
const MAX_SESSION_TIMEOUT = Duration.days(7);
const MAX_EXTRA_PARAMS = 10;
const MAX_JWT_CLAIMS = 10;
const MAX_JWT_TEXT_LENGTH = 256;
const MAX_JWT_CLAIM_VALUES = 10;
/** The claims ALB checks of every token, which an additional claim may not name. */
const RESERVED_JWT_CLAIMS = ['iss', 'exp', 'nbf', 'iat'];

/**
 * Who may use a route: the route's listener rule authenticates each request at the ALB before it
 * forwards it. OIDC and Cognito sign users in through a browser; JWT verifies bearer tokens
 * that clients bring, for machine-to-machine calls. ALB authenticates on HTTPS listeners only.
 *
 * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-authenticate-users.html
 *
 * @example
 * import * as acm from 'aws-cdk-lib/aws-certificatemanager';
 * import { AlbPrivateLinkRouter, RouteAuthentication } from 'cdk-alb-privatelink-router';
 *
 * declare const certificate: acm.ICertificate;
 *
 * new AlbPrivateLinkRouter(this, 'Router', {
 *   vpc: vpc1,
 *   certificates: [certificate],
 *   routes: [
 *     { path: '/vpc2', producerVpc: vpc2, instances: [web2a, web2b] },
 *     {
 *       path: '/api',
 *       producerVpc: vpc3,
 *       instances: [web3a, web3b],
 *       // Only requests with a bearer token signed by this issuer reach the service.
 *       authentication: RouteAuthentication.jwt({
 *         issuer: 'https://login.example.com',
 *         jwksEndpoint: 'https://login.example.com/.well-known/jwks.json',
 *       }),
 *     },
 *   ],
 * });
 */
export class RouteAuthentication {
  /** Signs users in with an OpenID Connect identity provider. */
  public static oidc(options: OidcRouteAuthenticationOptions): RouteAuthentication {
    return new RouteAuthentication('OIDC', true, (where) => {
      validateSession(where, options);
      for (const [name, url] of Object.entries({
        issuer: options.issuer,
        authorizationEndpoint: options.authorizationEndpoint,
        tokenEndpoint: options.tokenEndpoint,
        userInfoEndpoint: options.userInfoEndpoint,
      })) {
        validateHttpsUrl(where, name, url);
      }
    }, (next) => elbv2.ListenerAction.authenticateOidc({ ...options, next, allowHttpsOutbound: false }));
  }

  /** Signs users in with an Amazon Cognito user pool. */
  public static cognito(options: CognitoRouteAuthenticationOptions): RouteAuthentication {
    return new RouteAuthentication('Cognito', true, (where) => {
      validateSession(where, options);
      validateCognitoClient(where, options.userPoolClient);
    },
    (next) => new elbv2Actions.AuthenticateCognitoAction({ ...options, next, allowHttpsOutbound: false }));
  }

  /**
   * Verifies the JSON Web Token each request carries in its `Authorization: Bearer` header: its
   * signature against the keys at `jwksEndpoint`, its issuer, expiry and `additionalClaims`.
   * A request without a valid token is answered 401.
   *
   * @see https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-verify-jwt.html
   */
  public static jwt(options: JwtRouteAuthenticationOptions): RouteAuthentication {
    return new RouteAuthentication('JWT', false, (where) => validateJwt(where, options), (next) => new JwtValidationAction({
      issuer: options.issuer,
      jwksEndpoint: options.jwksEndpoint,
      additionalClaims: options.additionalClaims?.map(({ name, format, values }) => ({ name, format, values })),
    }, next));
  }

  /** The kind of authentication, as errors name it: `OIDC`, `Cognito` or `JWT`. */
  public readonly kind: string;

  /** Whether the ALB needs public IPv4 for it: it reaches OIDC and Cognito endpoints over IPv4 only. */
  public readonly needsPublicIpv4: boolean;

  private constructor(kind: string, needsPublicIpv4: boolean,
    private readonly validate: (where: string) => void,
    private readonly actionBefore: (next: elbv2.ListenerAction) => elbv2.ListenerAction) {
    this.kind = kind;
    this.needsPublicIpv4 = needsPublicIpv4;
  }

  /**
   * The action that authenticates, then goes on to `next`; throws, naming `where`, for settings
   * ALB would refuse.
   *
   * @internal
   */
  public _actionBefore(where: string, next: elbv2.ListenerAction): elbv2.ListenerAction {
    this.validate(where);
    return this.actionBefore(next);
  }
}

/**
 * ALB's `jwt-validation` action with its additional claims, which aws-cdk-lib's
 * `ListenerAction.authenticateJwt` does not take.
 */
class JwtValidationAction extends elbv2.ListenerAction {
  constructor(config: elbv2.CfnListener.JwtValidationConfigProperty, next: elbv2.ListenerAction) {
    super({ type: 'jwt-validation', jwtValidationConfig: config }, next);
  }
}

function validateSession(where: string, options: RouteAuthenticationSessionOptions): void {
  const timeout = options.sessionTimeout;
  if (timeout !== undefined && !timeout.isUnresolved()) {
    const seconds = timeout.toSeconds({ integral: false });
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_SESSION_TIMEOUT.toSeconds()) {
      throw new Error(`${where}: authentication: sessionTimeout must be a whole number of seconds from 1 to ${MAX_SESSION_TIMEOUT.toSeconds()} (7 days); got ${timeout.toHumanString()}.`);
    }
  }
  const extraParams = Object.keys(options.authenticationRequestExtraParams ?? {}).length;
  if (extraParams > MAX_EXTRA_PARAMS) {
    throw new Error(`${where}: authentication: authenticationRequestExtraParams holds ${extraParams} parameters; ALB takes at most ${MAX_EXTRA_PARAMS}.`);
  }
}

/**
 * Throws for an app client of the app that ALB cannot sign users in with: ALB needs a client
 * secret and the authorization-code grant. A client not defined in the app cannot be seen.
 */
function validateCognitoClient(where: string, client: cognito.IUserPoolClient): void {
  const cfnClient = client.node.defaultChild;
  if (!(cfnClient instanceof cognito.CfnUserPoolClient)) return;
  if (cfnClient.generateSecret !== true) {
    throw new Error(`${where}: authentication: user pool client '${client.node.path}' has no client secret, which ALB signs in with; create it with generateSecret: true.`);
  }
  const flows = cfnClient.allowedOAuthFlows;
  if (Array.isArray(flows) && !flows.includes('code')) {
    throw new Error(`${where}: authentication: user pool client '${client.node.path}' does not allow the authorization-code grant, which ALB uses; give it oAuth.flows.authorizationCodeGrant: true.`);
  }
}

function validateHttpsUrl(where: string, name: string, url: string, maxLength?: number): void {
  if (Token.isUnresolved(url)) return;
  if (!/^https:\/\/[^/\s]+/.test(url)) {
    throw new Error(`${where}: authentication: ${name} '${url}' must be an https:// URL.`);
  }
  if (maxLength !== undefined && url.length > maxLength) {
    throw new Error(`${where}: authentication: ${name} is ${url.length} characters long; ALB takes at most ${maxLength}.`);
  }
}

function validateJwt(where: string, options: JwtRouteAuthenticationOptions): void {
  validateHttpsUrl(where, 'issuer', options.issuer, MAX_JWT_TEXT_LENGTH);
  validateHttpsUrl(where, 'jwksEndpoint', options.jwksEndpoint, MAX_JWT_TEXT_LENGTH);
  const claims = options.additionalClaims ?? [];
  if (claims.length > MAX_JWT_CLAIMS) {
    throw new Error(`${where}: authentication: additionalClaims holds ${claims.length} claims; ALB checks at most ${MAX_JWT_CLAIMS}.`);
  }
  const seen = new Set<string>();
  for (const claim of claims) {
    if (seen.has(claim.name)) {
      throw new Error(`${where}: authentication: additionalClaims names claim '${claim.name}' twice; give each claim once, with all its values.`);
    }
    seen.add(claim.name);
    if (RESERVED_JWT_CLAIMS.includes(claim.name)) {
      throw new Error(`${where}: authentication: additional claim '${claim.name}' is one ALB checks itself (${RESERVED_JWT_CLAIMS.join(', ')}); leave it out.`);
    }
    if (claim.values.length === 0 || claim.values.length > MAX_JWT_CLAIM_VALUES) {
      throw new Error(`${where}: authentication: additional claim '${claim.name}' has ${claim.values.length} values; give 1 to ${MAX_JWT_CLAIM_VALUES}.`);
    }
    const badValue = claim.values.find((value) => !Token.isUnresolved(value)
      && (value.length > MAX_JWT_TEXT_LENGTH || (claim.format === JwtClaimFormat.SPACE_SEPARATED_VALUES && /\s/.test(value))));
    if (badValue !== undefined) {
      throw new Error(`${where}: authentication: additional claim '${claim.name}' has value '${badValue}'; ALB takes values of at most ${MAX_JWT_TEXT_LENGTH} characters, without spaces for SPACE_SEPARATED_VALUES.`);
    }
  }
}
