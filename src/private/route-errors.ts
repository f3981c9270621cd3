/**
 * Runs `build`, which makes a construct the route owns or shares at `internalPath`; an error
 * thrown for that construct (or one under it) is reported as the route's, with the prop named as
 * the route's user wrote it (`renames`, e.g. the producer's `vpc` is the route's `producerVpc`).
 * Users name routes and their props; internal construct IDs (`Producer1C211860B`,
 * `PrivateLink...`) mean nothing to them. Other errors pass unchanged.
 */
export function asRouteError<T>(where: string, internalPath: string, build: () => T, renames: Record<string, string> = {}): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof Error) {
      error.message = routeMessageOf(where, internalPath, error.message, renames);
    }
    throw error;
  }
}

/** `<internalPath>[/<child>]: <prop>: <text>` → `<where>: <renamed prop>: <text>`; other messages unchanged. */
function routeMessageOf(where: string, internalPath: string, message: string, renames: Record<string, string>): string {
  const separator = message.indexOf(': ');
  const path = separator < 0 ? '' : message.slice(0, separator);
  if (path !== internalPath && !path.startsWith(`${internalPath}/`)) {
    return message;
  }
  const rest = message.slice(separator + 2);
  const propEnd = rest.indexOf(': ');
  const prop = propEnd < 0 ? '' : rest.slice(0, propEnd);
  const renamed = Object.prototype.hasOwnProperty.call(renames, prop) ? `${renames[prop]}${rest.slice(propEnd)}` : rest;
  return `${where}: ${renamed}`;
}
