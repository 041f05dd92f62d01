namespace FhirPractice.Billing;

/// <summary>The code and identifier systems billing reads and writes.</summary>
public static class BillingSystems
{
    public const string Npi = "http://hl7.org/fhir/sid/us-npi";
    /// <summary>US employer identification number (TIN).</summary>
    public const string Tin = "urn:oid:2.16.840.1.113883.4.4";
    public const string Icd10Cm = "http://hl7.org/fhir/sid/icd-10-cm";
    public const string Cpt = "http://www.ama-assn.org/go/cpt";
    public const string Hcpcs = "https://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets";
    public const string PlaceOfService = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set";
    /// <summary>The payer's electronic id (NM109 with PI) on the payer Organization.</summary>
    public const string PayerId = "urn:fhirpractice:billing:payer-id";
    /// <summary>Our patient control number (CLM01), at most 20 characters.</summary>
    public const string ClaimNumber = "urn:fhirpractice:billing:claim-number";
    /// <summary>The payer's claim control number (CLP07), the "original claim number" of a corrected claim.</summary>
    public const string PayerClaimNumber = "urn:fhirpractice:billing:payer-claim-number";
    /// <summary>An adjudication category for a CAS adjustment: code "group-reason" (CO-45, PR-1).</summary>
    public const string Adjustment = "urn:fhirpractice:billing:cas";
    /// <summary>Remittance remark codes (RARC).</summary>
    public const string Remark = "https://x12.org/codes/remittance-advice-remark-codes";
    public const string AdjudicationCategory = "http://terminology.hl7.org/CodeSystem/adjudication";
    /// <summary>An extension on a ChargeItem carrying a procedure modifier (valueCode), in order.</summary>
    public const string ChargeModifier = "urn:fhirpractice:billing:charge-modifier";
    /// <summary>An extension on a ChargeItem: its total price (valueMoney) from the fee schedule named in definitionCanonical.</summary>
    public const string ChargePrice = "urn:fhirpractice:billing:charge-price";
    /// <summary>A fee schedule's (ChargeItemDefinition's) useContext code whose valueReference is the payer Organization it is for.</summary>
    public const string UsageContext = "urn:fhirpractice:billing:usage-context";
    /// <summary>The identifier of the patient's Account: the patient's id.</summary>
    public const string Account = "urn:fhirpractice:billing:account";
    /// <summary>The identifier of a ChargeItem captured from an encounter: what it was captured from (Procedure/1, Encounter/2/type/99213).</summary>
    public const string ChargeSource = "urn:fhirpractice:billing:charge-source";
    public const string SubscriberRelationship = "http://terminology.hl7.org/CodeSystem/subscriber-relationship";
    public const string RelatedClaim = "http://terminology.hl7.org/CodeSystem/ex-relatedclaimrelationship";
}
