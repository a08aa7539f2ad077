/**
 * The code systems and extension URLs the FHIR adapter and the hospital simulator agree on,
 * beyond what FHIR R4 fixes. A real hospital's FHIR server is mapped to these in the adapter.
 */
export const CareLoopFhir = {
  /** Organization.type coding: institution level (tertiary | secondary | primary). */
  institutionLevelSystem: 'https://careloop.example/fhir/CodeSystem/institution-level',
  /** Organization.type coding: hospital | community_health_centre. */
  institutionKindSystem: 'https://careloop.example/fhir/CodeSystem/institution-kind',
  /** The alliance itself is Organization/alliance; members have partOf = Organization/alliance. */
  allianceOrganizationId: 'alliance',
  /** HealthcareService.specialty coding: cardiology, endocrinology, general_practice, … */
  specialtySystem: 'https://careloop.example/fhir/CodeSystem/specialty',
  /** PractitionerRole.code coding: resident | attending | associate_chief | chief (display = Chinese title). */
  titleSystem: 'https://careloop.example/fhir/CodeSystem/practitioner-title',
  /** PractitionerRole.extension valueMoney: consultation fee (FHIR Money: decimal CNY). */
  consultationFeeExtension: 'https://careloop.example/fhir/StructureDefinition/consultation-fee',
  /** ChargeItemDefinition.extension valueCode: A (甲) | B (乙) | C (丙). */
  insuranceCategoryExtension: 'https://careloop.example/fhir/StructureDefinition/insurance-category',
  /** ChargeItemDefinition.extension valueDecimal: 乙类 先行自付 share (0.10 = 10%). */
  selfPayFirstExtension: 'https://careloop.example/fhir/StructureDefinition/self-pay-first',
  /** ChargeItemDefinition.useContext / code: item kind (consultation | lab | imaging | drug | procedure | other). */
  itemKindSystem: 'https://careloop.example/fhir/CodeSystem/item-kind',
  /** ChargeItemDefinition.code / ChargeItem.code: the price-catalogue item code. */
  priceItemSystem: 'https://careloop.example/fhir/CodeSystem/price-item',
  /** Patient.identifier system for the blind index (HMAC) of a resident ID number. */
  residentIdBlindIndexSystem: 'https://careloop.example/fhir/NamingSystem/resident-id-hmac',
  /** Organization / Practitioner / HealthcareService .extension valueString: plain-language description or bio. */
  descriptionExtension: 'https://careloop.example/fhir/StructureDefinition/description',
  /** Encounter.extension valueReference: the department (HealthcareService) seen; R4 Encounter has no such element. */
  departmentExtension: 'https://careloop.example/fhir/StructureDefinition/department',
  /** Appointment.identifier system: CareLoop's id of a booking hold, so a repeated lock finds its own (If-None-Exist). */
  bookingHoldSystem: 'https://careloop.example/fhir/NamingSystem/booking-hold',
  /** Slot.identifier system: CareLoop's key of an added place (加号), so a repeated create finds its own. */
  addedSlotSystem: 'https://careloop.example/fhir/NamingSystem/added-slot',
} as const;
