/**
 * ChargeItemDefinition → PriceItem (the catalogue) and ChargeItem → Charge (a bill line).
 * Prices and insurance categories drive what a patient is told they will pay, so a missing
 * price or category is refused rather than guessed.
 */
import { z } from 'zod';
import type { Charge, InsuranceCategory, PriceItem } from '../../port.js';
import { CareLoopFhir } from '../codes.js';
import {
  CodeableConceptSchema,
  MappingError,
  MoneySchema,
  QuantitySchema,
  ReferenceSchema,
  ResourceBase,
  codeFrom,
  extensionFrom,
  fractionToBasisPoints,
  moneyToFen,
  parseResource,
  referenceId,
  requiredReferenceId,
  type Extension,
} from './datatypes.js';

const KINDS: readonly PriceItem['kind'][] = ['consultation', 'lab', 'imaging', 'drug', 'procedure', 'other'];

function insuranceCategory(extensions: readonly Extension[] | undefined, what: string): InsuranceCategory {
  const code = extensionFrom(extensions, CareLoopFhir.insuranceCategoryExtension)?.valueCode;
  if (code === 'A' || code === 'B' || code === 'C') return code;
  throw new MappingError(`${what}: ${code ? `unknown insurance category ${code}` : 'missing insurance category'}`);
}

const ChargeItemDefinitionSchema = z.looseObject({
  ...ResourceBase,
  resourceType: z.literal('ChargeItemDefinition'),
  status: z.string().optional(),
  title: z.string().optional(),
  code: CodeableConceptSchema.optional(),
  useContext: z
    .array(z.looseObject({ valueCodeableConcept: CodeableConceptSchema.optional() }))
    .optional(),
  propertyGroup: z
    .array(
      z.looseObject({
        priceComponent: z
          .array(z.looseObject({ type: z.string().optional(), amount: MoneySchema.optional() }))
          .optional(),
      }),
    )
    .optional(),
});

/** Whether a catalogue entry is withdrawn (retired) and must not be offered. */
export function isRetired(resource: Readonly<Record<string, unknown>>): boolean {
  return resource.status === 'retired';
}

/** Maps one catalogue item of `institutionId` (the publisher searched for). */
export function toPriceItem(resource: unknown, institutionId: string): PriceItem {
  const def = parseResource(ChargeItemDefinitionSchema, resource, 'ChargeItemDefinition');
  const what = `ChargeItemDefinition/${def.id}`;
  const coding = codeFrom(def.code, CareLoopFhir.priceItemSystem);
  if (!coding?.code) throw new MappingError(`${what}: missing catalogue code`);
  const name = def.title?.trim() || coding.display?.trim();
  if (!name) throw new MappingError(`${what}: missing title`);
  const kindCode = codeFrom(
    (def.useContext ?? []).flatMap((u) => (u.valueCodeableConcept ? [u.valueCodeableConcept] : [])),
    CareLoopFhir.itemKindSystem,
  )?.code;
  if (kindCode !== undefined && !(KINDS as readonly string[]).includes(kindCode)) {
    throw new MappingError(`${what}: unknown item kind ${kindCode}`);
  }
  const components = def.propertyGroup?.[0]?.priceComponent ?? [];
  const base = components.find((c) => c.type === 'base') ?? components[0];
  const category = insuranceCategory(def.extension, what);
  const selfPayFirst = extensionFrom(def.extension, CareLoopFhir.selfPayFirstExtension)?.valueDecimal;
  const item: PriceItem = {
    id: def.id,
    institutionId,
    code: coding.code,
    name,
    kind: (kindCode as PriceItem['kind'] | undefined) ?? 'other',
    price: moneyToFen(base?.amount, `${what} price`),
    insuranceCategory: category,
  };
  if (selfPayFirst !== undefined) item.selfPayFirstBasisPoints = fractionToBasisPoints(selfPayFirst);
  return item;
}

const ChargeItemSchema = z.looseObject({
  ...ResourceBase,
  resourceType: z.literal('ChargeItem'),
  status: z.string().optional(),
  code: CodeableConceptSchema,
  subject: ReferenceSchema,
  context: ReferenceSchema.optional(),
  quantity: QuantitySchema.optional(),
  priceOverride: MoneySchema.optional(),
});

/** Whether a bill line was entered in error and is not part of the bill. */
export function isEnteredInError(resource: Readonly<Record<string, unknown>>): boolean {
  return resource.status === 'entered-in-error';
}

/**
 * Maps one bill line of `encounterId` (the encounter searched for). The line total is
 * `priceOverride`, which R4 defines as the total price of the charge.
 */
export function toCharge(resource: unknown, encounterId: string): Charge {
  const item = parseResource(ChargeItemSchema, resource, 'ChargeItem');
  const what = `ChargeItem/${item.id}`;
  const coding = codeFrom(item.code, CareLoopFhir.priceItemSystem) ?? item.code.coding?.find((c) => c.code);
  if (!coding?.code) throw new MappingError(`${what}: missing code`);
  const name = coding.display?.trim() || item.code.text?.trim();
  if (!name) throw new MappingError(`${what}: missing name`);
  return {
    id: item.id,
    encounterId: referenceId(item.context, 'Encounter') ?? encounterId,
    patientId: requiredReferenceId(item.subject, 'Patient', what),
    code: coding.code,
    name,
    quantity: item.quantity?.value ?? 1,
    amount: moneyToFen(item.priceOverride, `${what} amount`),
    insuranceCategory: insuranceCategory(item.extension, what),
  };
}
