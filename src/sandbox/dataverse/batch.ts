// Executes a `$batch`: operations in order, change sets atomically (any failure rolls back every
// write of that change set) with `Content-ID` values referable as `$n`, at most 1000 operations.
// Without `Prefer: odata.continue-on-error` the first failure ends the batch and becomes its status;
// with it the batch answers 200 and carries every part (execute-batch-operations-using-web-api).

import type { ApiContext, ApiRequest, ApiResponse } from './apiTypes';
import { boundaryOf, multipart, parseBatch, responsePart, type BatchItem, type BatchOperation } from './batchFormat';
import { DataverseError } from './errors';
import { parsePreferences } from './prefer';
import { dispatch, errorResponse } from './routes';

export const MAX_BATCH_OPERATIONS = 1000;

function operationCount(items: BatchItem[]): number {
  return items.reduce((sum, item) => sum + (item.kind === 'changeset' ? item.operations.length : 1), 0);
}

/** The inner request's URL as a resource below the API root; `$n` resolves to the URL it created. */
function toApiRequest(operation: BatchOperation, references: Map<string, string>): ApiRequest {
  let url = operation.url;
  const reference = /^\$([A-Za-z0-9_-]+)(.*)$/.exec(url);
  if (reference) {
    const target = references.get(reference[1]);
    if (!target)
      throw new DataverseError(
        400,
        '0x80060891',
        `Content-ID Reference: '$${reference[1]}' does not exist in the batch context.`,
      );
    url = target + reference[2];
  }
  url = url.replace(/^https?:\/\/[^/]+/i, '');
  const apiAt = url.search(/\/api\/data\/v9\.\d\//);
  if (apiAt >= 0) url = url.slice(url.indexOf('/', apiAt + 10) + 1);
  else url = url.replace(/^\//, '');
  const question = url.indexOf('?');
  const path = question < 0 ? url : url.slice(0, question);
  const query = new URLSearchParams(question < 0 ? '' : url.slice(question + 1));
  if (path === '$batch')
    throw new DataverseError(400, '0x80060891', 'Batch requests cannot contain other batch requests.');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(operation.headers)) headers[name.toLowerCase()] = value;
  return { method: operation.method, resource: decodeURIComponent(path), query, headers, body: operation.body };
}

function runOperation(
  ctx: ApiContext,
  operation: BatchOperation,
  references: Map<string, string>,
  inChangeset: boolean,
): ApiResponse {
  const prefs = parsePreferences(operation.headers['prefer']);
  try {
    if (inChangeset && operation.method === 'GET') {
      throw new DataverseError(400, '0x80060891', 'GET requests are not allowed inside a change set.');
    }
    const request = toApiRequest(operation, references);
    const response = dispatch({ ...ctx, prefs, references }, request);
    if (operation.contentId !== undefined && response.entityUrl)
      references.set(operation.contentId, response.entityUrl);
    return response;
  } catch (error) {
    return errorResponse(error, prefs);
  }
}

interface ItemResult {
  part: string;
  failure?: ApiResponse;
}

function runChangeset(ctx: ApiContext, operations: BatchOperation[], newBoundary: () => string): ItemResult {
  const references = new Map<string, string>();
  const responses: { response: ApiResponse; contentId?: string }[] = [];
  ctx.store.transaction(
    () => {
      for (const operation of operations) {
        const response = runOperation(ctx, operation, references, true);
        responses.push({ response, contentId: operation.contentId });
        if (response.status >= 400) return false;
      }
      return true;
    },
    (ok) => !ok,
  );
  const failed = responses.find(({ response }) => response.status >= 400);
  // A failed change set answers with the one error that undid it.
  if (failed) return { part: responsePart(failed.response, undefined), failure: failed.response };
  const boundary = `changesetresponse_${newBoundary()}`;
  const inner = multipart(
    boundary,
    responses.map(({ response, contentId }) => responsePart(response, contentId)),
    '\r\n',
  );
  return { part: `Content-Type: multipart/mixed; boundary=${boundary}\r\n${inner}` };
}

export function runBatch(ctx: ApiContext, request: ApiRequest): ApiResponse {
  const boundary = boundaryOf(request.headers['content-type']);
  if (!boundary) {
    throw new DataverseError(
      400,
      '0x80060891',
      "The batch request must have a 'Content-Type' header of 'multipart/mixed' with a boundary.",
    );
  }
  const items = parseBatch(request.body, boundary);
  const count = operationCount(items);
  if (count > MAX_BATCH_OPERATIONS) {
    throw new DataverseError(
      400,
      '0x80060891',
      `The number of requests in the batch (${count}) exceeds the maximum of ${MAX_BATCH_OPERATIONS}.`,
    );
  }
  const parts: string[] = [];
  let status = 200;
  for (const item of items) {
    const result: ItemResult =
      item.kind === 'changeset'
        ? runChangeset(ctx, item.operations, () => ctx.newId())
        : (() => {
            const response = runOperation(ctx, item.operation, new Map(), false);
            return {
              part: responsePart(response, item.operation.contentId),
              failure: response.status >= 400 ? response : undefined,
            };
          })();
    parts.push(result.part);
    if (result.failure && !ctx.prefs.continueOnError) {
      status = result.failure.status;
      break;
    }
  }
  const responseBoundary = `batchresponse_${ctx.newId()}`;
  return {
    status,
    headers: { 'Content-Type': `multipart/mixed; boundary=${responseBoundary}` },
    body: multipart(responseBoundary, parts),
  };
}
