import type { EndpointRequest } from '@aws-sdk/client-pinpoint';
import { BadRequestError } from '../errors';
import { createStrictAjv, loadSchema } from '../schemas';
import { namesARealInstant } from './real-instant';
import { describeSchemaErrors } from './schema-errors';

/** Checks a parsed UpdateEndpoint body; compiled once, then pure. */
export type EndpointRequestChecker = (body: unknown) => EndpointRequest;

/**
 * Compiles `schemas/pinpoint/endpoint-request.schema.json`, which reuses the PutEvents schema's
 * endpoint definition (so both requests hold an endpoint to the same limits). The checker returns
 * the body as an `EndpointRequest`, or throws a `BadRequestError` saying what is wrong and where:
 * the first schema problem, or an `EffectiveDate` that names no real instant. The whole request
 * is refused, as Pinpoint refuses an UpdateEndpoint: there is nothing to store in part.
 */
export function createEndpointRequestChecker(): EndpointRequestChecker {
  const ajv = createStrictAjv();
  ajv.addSchema(loadSchema('pinpoint/events-request.schema.json'));
  const validate = ajv.compile<EndpointRequest>(loadSchema('pinpoint/endpoint-request.schema.json'));

  return (body) => {
    if (!validate(body)) {
      throw new BadRequestError(`The body is not a valid EndpointRequest: ${describeSchemaErrors(validate.errors)}.`);
    }
    const effectiveDate = body.EffectiveDate;
    if (effectiveDate !== undefined && !namesARealInstant(effectiveDate)) {
      throw new BadRequestError(`EffectiveDate is not a real date and time: ${effectiveDate}.`);
    }
    return body;
  };
}
