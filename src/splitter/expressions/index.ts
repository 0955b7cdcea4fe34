export { compileExpression, type CompiledExpression } from './compile.js';
export { ExpressionError, ExpressionRuntimeError } from './errors.js';
export { ipInCidr } from './cidr.js';
export type { Value } from './values.js';
