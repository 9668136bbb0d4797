const NAME = /^[a-z0-9]{1,20}$/;

/** Why `name` is not a valid CloudEvents attribute name, or undefined when it is. */
export function attributeNameProblem(name: string): string | undefined {
  if (name === "data") return "'data' is reserved and cannot be an attribute name";
  if (name.length === 0) return "attribute name must not be empty";
  if (name.length > 20) return "attribute name must be at most 20 characters";
  if (!NAME.test(name)) return "attribute name must consist of lowercase letters a-z and digits 0-9";
  return undefined;
}

export function isAttributeName(name: string): boolean {
  return attributeNameProblem(name) === undefined;
}
