// Dataverse's error answers: every failure is `{"error":{"code":"0x…","message":"…"}}` with the HTTP
// status the Web API documents (compose-http-requests-handle-errors). Handlers throw DataverseError;
// the pipeline turns it into that body, adding the detail annotations when the caller asks for them.

export class DataverseError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'DataverseError';
  }
}

/** `contact With Id = … Does Not Exist` (ObjectDoesNotExist, 0x80040217). */
export function recordNotFound(logicalName: string, id: string): DataverseError {
  return new DataverseError(404, '0x80040217', `${logicalName} With Id = ${id} Does Not Exist`);
}

/** An entity set or path segment the Web API does not know (0x8006088a). */
export function resourceNotFound(segment: string): DataverseError {
  return new DataverseError(404, '0x8006088a', `Resource not found for the segment '${segment}'.`);
}

/** The OData URI parser's failures ($select/$filter/$orderby/$expand); real environments answer 0x80060888. */
export function badQuery(message: string): DataverseError {
  return new DataverseError(400, '0x80060888', message);
}

export function unknownProperty(name: string, logicalName: string): DataverseError {
  return badQuery(`Could not find a property named '${name}' on type 'Microsoft.Dynamics.CRM.${logicalName}'.`);
}

/**
 * A body the OData deserializer rejects: Dataverse wraps the ODataException text in its
 * "Error identified in Payload provided by the user for Entity" message (0x80048d19).
 */
export function badPayload(entitySet: string, inner: string): DataverseError {
  return new DataverseError(
    400,
    '0x80048d19',
    `Error identified in Payload provided by the user for Entity :'${entitySet}', For more information on this error please follow this help link https://go.microsoft.com/fwlink/?linkid=2195293  ----> InnerException : Microsoft.OData.ODataException: ${inner}`,
  );
}

/** A row value the platform refuses (ValidationError family). */
export function validationFailed(code: string, message: string): DataverseError {
  return new DataverseError(400, code, message);
}

/** The body of an error answer, with the CDS detail annotations when `odata.include-annotations` covers them. */
export function errorBody(error: DataverseError, withDetails: boolean): object {
  const inner: Record<string, unknown> = { code: error.code, message: error.message };
  if (withDetails) {
    inner['@Microsoft.PowerApps.CDS.ErrorDetails.OperationStatus'] = '0';
    inner['@Microsoft.PowerApps.CDS.ErrorDetails.SubErrorCode'] = String(parseInt(error.code, 16) | 0);
    inner['@Microsoft.PowerApps.CDS.HelpLink'] =
      `http://go.microsoft.com/fwlink/?LinkID=398563&error=Microsoft.Crm.CrmException%3a${error.code.replace(/^0x/, '')}&client=platform`;
    inner['@Microsoft.PowerApps.CDS.TraceText'] = '';
    inner['@Microsoft.PowerApps.CDS.InnerError.Message'] = error.message;
  }
  return { error: inner };
}
