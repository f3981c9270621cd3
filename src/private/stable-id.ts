import { createHash } from 'crypto';
import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * A construct-ID part that names what `value` (an ID or ARN, literal or a reference) stands for,
 * the same in every synth and relative to `scope`'s stack: the logical ID of the resource it
 * refers to, or a short hash of a literal or other expression. Unlike `Names.uniqueId`, it does
 * not change when the stack or a construct around it is renamed, which would replace resources.
 */
export function stableIdOf(scope: IConstruct, value: string): string {
  const resolved = Stack.of(scope).resolve(value);
  return typeof resolved?.Ref === 'string' ? resolved.Ref : shortHashOf(JSON.stringify(resolved));
}

/** A construct-ID part for a set of such values, whatever their order: a short hash. */
export function stableSetIdOf(scope: IConstruct, values: string[]): string {
  const stack = Stack.of(scope);
  return shortHashOf(values.map((value) => JSON.stringify(stack.resolve(value))).sort().join('\n'));
}

/** Eight hex digits of a SHA-256 of `text`. */
function shortHashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8).toUpperCase();
}
