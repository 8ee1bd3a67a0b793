import { getParameter } from '@aws-lambda-powertools/parameters/ssm';

/**
 * The routing file as the Lambda functions read it: the text of one SSM parameter (String, or
 * SecureString decrypted), read once per cold start. Edits reach new containers.
 */
export async function readRoutesParameter(name: string): Promise<string> {
  const value = await getParameter(name, { decrypt: true, maxAge: 300 });
  if (value === undefined) throw new Error(`SSM parameter ${name} has no value`);
  return value;
}
