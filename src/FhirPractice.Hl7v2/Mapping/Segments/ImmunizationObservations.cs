using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>
/// The OBX of one VXU order group (after its RXA and RXR). The US CDC immunization guide sends facts of the
/// vaccination as OBX, which R4 keeps in the Immunization itself (the v2-to-FHIR IG leaves their map to that guide):
/// 64994-7 → <c>programEligibility</c> (table 0064), 30963-3 → <c>fundingSource</c>, and the vaccine information
/// statement given, one per OBX-4 sub-id → <c>education</c>: 69764-9 (the VIS document's GS1 code) or 30956-7 (the
/// vaccine it is for) its document type, 29768-9 its publication date, 29769-7 when it was presented. Any other OBX,
/// or one whose value type does not fit its code, is an Observation of the patient that is part of the Immunization
/// (IG VXU_V04 ORDER.OBSERVATION: OBX[Observation]).
/// </summary>
internal sealed class ImmunizationObservations(ResourceReference immunization, MappingContext context)
{
    private readonly Immunization _immunization = context.Transaction.Resource<Immunization>(immunization);
    private readonly Dictionary<string, (Immunization.EducationComponent Education, V2Segment First)> _statements = new(StringComparer.Ordinal);

    public void Add(V2Segment obx, IEnumerable<Annotation> notes)
    {
        var coded = obx[2] is "CE" or "CWE" or "CNE";
        var dated = obx[2] is "DT" or "TS" or "DTM";
        var value = obx.Field(5);
        var (code, text) = (value?[1], value?[2]);
        switch (obx[3])                                                                                  // OBX-3
        {
            case "64994-7" when coded && Codes.FromCwe(value, Codes.V2Table("0064")) is { } eligibility:
                _immunization.ProgramEligibility.Add(eligibility);
                return;
            case "30963-3" when coded && Codes.FromCwe(value) is { } funding:
                _immunization.FundingSource = funding;
                return;
            case "69764-9" when coded && code is not null:
                Statement(obx).DocumentType = code;                                                       // the GS1 code of the VIS edition
                return;
            case "30956-7" when coded && code is not null:
                Statement(obx).DocumentType = text ?? code;                                               // the vaccine the VIS is for
                return;
            case "29768-9" when dated && value is not null:
                Statement(obx).PublicationDateElement = context.Dates.DateTime(value);
                return;
            case "29769-7" when dated && value is not null:
                Statement(obx).PresentationDateElement = context.Dates.DateTime(value);
                return;
        }
        var observation = ObservationMapping.Map(obx, context, [context.Transaction.Url(immunization), "vxu"], null, notes);
        context.Transaction.Resource<Observation>(observation).PartOf.Add(immunization);
    }

    /// <summary>
    /// Ends the group: a statement R4 cannot hold — dates without the document they are of (education needs a
    /// document type or reference) — is left out with a warning naming its first OBX.
    /// </summary>
    public void Complete()
    {
        foreach (var (education, first) in _statements.Values)
        {
            if (education.DocumentType is not null) _immunization.Education.Add(education);
            else context.Warn(first.At(3), "a vaccine information statement's dates without its document (69764-9 or 30956-7 with the same OBX-4) are not mapped");
        }
    }

    private Immunization.EducationComponent Statement(V2Segment obx)
    {
        var subId = obx[4] ?? "";                                                                          // OBX-4
        if (!_statements.TryGetValue(subId, out var statement))
            _statements[subId] = statement = (new Immunization.EducationComponent(), obx);
        return statement.Education;
    }
}
