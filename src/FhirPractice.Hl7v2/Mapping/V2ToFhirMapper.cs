using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mapping.Datatypes;
using FhirPractice.Hl7v2.Mapping.Messages;
using FhirPractice.Hl7v2.Mapping.Segments;
using FhirPractice.Hl7v2.Mllp;

namespace FhirPractice.Hl7v2.Mapping;

/// <summary>
/// The v2→FHIR mappings, after the HL7 v2-to-FHIR IG: picks the message family by MSH-9 (message code and
/// trigger event), lets it build the transaction, and adds the Provenance of the message. Anything else
/// is refused with code 200 (unsupported message type) and AR.
/// </summary>
public sealed class V2ToFhirMapper(MappingOptions? options = null) : IMessageMapper
{
    private delegate Task Family(MappingContext context, CancellationToken ct);

    // ADT: every trigger of AdtEvents (the trigger → behaviour table); the other families here.
    private static readonly Dictionary<string, Family> Families = new Dictionary<string, Family>(StringComparer.Ordinal)
    {
        ["SIU^S12"] = ScheduleMapping.MapAsync,
        ["SIU^S13"] = ScheduleMapping.MapAsync,
        ["SIU^S14"] = ScheduleMapping.MapAsync,
        ["SIU^S15"] = ScheduleMapping.MapAsync,
        ["SIU^S16"] = ScheduleMapping.MapAsync,
        ["SIU^S17"] = ScheduleMapping.MapAsync,
        ["SIU^S26"] = ScheduleMapping.MapAsync,
        ["ORU^R01"] = ResultMapping.MapAsync,
        ["ORM^O01"] = OrderMapping.MapAsync,
        ["DFT^P03"] = ChargeMapping.MapAsync,
        ["DFT^P11"] = ChargeMapping.MapAsync,
        ["BAR^P01"] = AccountingMapping.MapAsync,
        ["BAR^P02"] = AccountingMapping.MapAsync,
        ["BAR^P05"] = AccountingMapping.MapAsync,
        ["BAR^P06"] = AccountingMapping.MapAsync,
        ["BAR^P10"] = AccountingMapping.MapAsync,
        ["BAR^P12"] = AccountingMapping.MapAsync,
        ["VXU^V04"] = VaccinationMapping.MapAsync,
        ["MDM^T01"] = DocumentMapping.MapAsync,
        ["MDM^T02"] = DocumentMapping.MapAsync,
        ["MDM^T03"] = DocumentMapping.MapAsync,
        ["MDM^T04"] = DocumentMapping.MapAsync,
        ["MDM^T05"] = DocumentMapping.MapAsync,
        ["MDM^T06"] = DocumentMapping.MapAsync,
        ["MDM^T07"] = DocumentMapping.MapAsync,
        ["MDM^T08"] = DocumentMapping.MapAsync,
        ["MDM^T09"] = DocumentMapping.MapAsync,
        ["MDM^T10"] = DocumentMapping.MapAsync,
        ["MDM^T11"] = DocumentMapping.MapAsync,
        ["OML^O21"] = LabOrderMapping.MapAsync,
        ["OMG^O19"] = LabOrderMapping.MapAsync,
        ["OUL^R22"] = SpecimenResultMapping.MapAsync,
        ["OUL^R23"] = SpecimenResultMapping.MapAsync,
        ["OUL^R24"] = SpecimenResultMapping.MapAsync,
        ["RDE^O11"] = PharmacyMapping.MapAsync,
        ["RDE^O25"] = PharmacyMapping.MapAsync,
        ["RDS^O13"] = PharmacyMapping.MapAsync,
        ["REF^I12"] = ReferralMessageMapping.MapAsync,
        ["REF^I13"] = ReferralMessageMapping.MapAsync,
        ["REF^I14"] = ReferralMessageMapping.MapAsync,
        ["PPR^PC1"] = ProblemListMapping.MapAsync,
        ["PPR^PC2"] = ProblemListMapping.MapAsync,
        ["PPR^PC3"] = ProblemListMapping.MapAsync,
    }.Concat(AdtEvents.ByTrigger.Keys.Select(trigger => KeyValuePair.Create<string, Family>($"ADT^{trigger}", AdtMapping.MapAsync)))
     .ToDictionary(StringComparer.Ordinal);

    /// <summary>The message types (code^trigger) mapped; every other is refused with code 200.</summary>
    public static IReadOnlyCollection<string> SupportedTypes => Families.Keys;

    private readonly MappingOptions _options = options ?? new MappingOptions();
    private readonly CodingSystemOverrides _codingSystems = new(options?.CodingSystems ?? new Dictionary<string, string>());

    public async Task<MappingResult> MapAsync(Er7Message message, IFhirLookup lookup, CancellationToken ct = default)
    {
        if (message.Segments.Count == 0 || message.Segments[0].Id != "MSH")
            throw new MappingException(new AckError("MSH", 1, null, "100", "Segment sequence error", Diagnostic: "The message does not start with MSH"), reject: true);
        var context = new MappingContext(message, lookup, _options);
        var msh = context.Header;
        var type = msh.Required(9, "Message Type");
        if (type[1] is null) throw V2Segment.RequiredFieldMissing(msh.At(9), "Message Type MSH-9.1");
        msh.Required(10, "Message Control ID");

        var key = $"{type[1]}^{type[2]}";
        if (!Families.TryGetValue(key, out var family))
            throw new MappingException(new AckError("MSH", 1, 9, "200", "Unsupported message type",
                Diagnostic: $"MSH-9 {key} is not mapped; mapped are {string.Join(", ", Families.Keys)}"), reject: true);

        await family(context, ct);
        ProvenanceMapping.Add(context);
        _codingSystems.Apply(context.Transaction.Bundle);
        return new MappingResult(context.Transaction.Bundle, context.Warnings);
    }

    public string? ProvenanceIdOf(Er7Message message)
    {
        if (message.Segments is not [{ Id: "MSH" } header, ..]) return null;
        var msh = new V2Segment(header, 1, message);
        return msh[10] is { } controlId ? ProvenanceMapping.IdOf(MappingContext.SenderOf(msh), controlId, _options) : null;
    }
}
