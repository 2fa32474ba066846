/**
 * The words of an `INVALID_INPUT` answer: the first schema issue, with the path of the field it
 * is about in front ("password: Enter a password"), so the renderer can put it on that field.
 */
export function describeIssue(issue: { path: PropertyKey[]; message: string } | undefined): string {
  if (!issue) return 'Invalid request.';
  const where = issue.path.map(String).join('.');
  return `${where ? `${where}: ` : ''}${issue.message}`.slice(0, 200);
}
