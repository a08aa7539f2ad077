import { z } from 'zod';
import { ValidationError, type FieldIssue } from './errors.js';
import type { AppContext, AppMiddleware } from './state.js';

/** What a route validates. Omitted parts: params and body pass as they are; query must be empty. */
export interface InputSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
}

/** The parsed input a route gets for its schemas. */
export type Input<S extends InputSchemas> = {
  params: S['params'] extends z.ZodType ? z.output<S['params']> : Record<string, string>;
  query: S['query'] extends z.ZodType ? z.output<S['query']> : Record<string, never>;
  body: S['body'] extends z.ZodType ? z.output<S['body']> : undefined;
};

/**
 * The query schema of a route that takes no query parameters: any parameter is rejected by
 * name, so a typo (`?pgae=2`) is a 400 the client sees, not a silent default.
 */
export const NoQuerySchema = z.object({}).strict();

/** zod issues → field issues with full paths (`query.foo`); unknown keys get one issue each. */
export function toFieldIssues(part: 'params' | 'query' | 'body', issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.flatMap((issue): FieldIssue[] => {
    const base = [part, ...issue.path.map(String)];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: [...base, key].join('.'), code: issue.code, message: `unknown parameter "${key}"` }));
    }
    return [{ path: base.join('.'), code: issue.code, message: issue.message }];
  });
}

/**
 * Validates params, query and body with zod and puts the parsed values on `ctx.state.input`
 * (read them with `inputOf`). Every failing field is reported at once as a 400
 * `invalid_request` whose details name the field paths. Query schemas should be `.strict()`;
 * a route without one accepts no query parameters at all.
 */
export function validate<S extends InputSchemas>(schemas: S): AppMiddleware {
  const querySchema = schemas.query ?? NoQuerySchema;
  return async (ctx, next) => {
    const issues: FieldIssue[] = [];
    const parse = (part: 'params' | 'query' | 'body', schema: z.ZodType | undefined, value: unknown): unknown => {
      if (!schema) return value;
      const result = schema.safeParse(value);
      if (result.success) return result.data;
      issues.push(...toFieldIssues(part, result.error.issues));
      return undefined;
    };
    const params = parse('params', schemas.params, (ctx as AppContext & { params?: Record<string, string> }).params ?? {});
    const query = parse('query', querySchema, { ...ctx.query });
    const body = parse('body', schemas.body, ctx.request.body);
    if (issues.length > 0) throw new ValidationError(issues);
    ctx.state.input = { params, query, body };
    await next();
  };
}

/**
 * The input `validate(schemas)` parsed for this request, typed by the same schemas. The one
 * cast between koa's untyped state and the route's types lives here.
 */
export function inputOf<S extends InputSchemas>(ctx: AppContext, _schemas: S): Input<S> {
  return ctx.state.input as Input<S>;
}
