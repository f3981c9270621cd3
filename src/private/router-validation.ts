/** Whether `id` can be a route's construct ID: non-empty, without the path separator `/`. */
export function validateConstructId(id: string): boolean {
  return typeof id === 'string' && id.length > 0 && !id.includes('/');
}
