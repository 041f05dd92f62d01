using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>SPM, or OBR-15 in messages before v2.5, to Specimen (IG SPM[Specimen], OBR[Specimen]).</summary>
internal static class SpecimenMapping
{
    /// <summary>A specimen of SPM; matched by its filler id (SPM-2.2), else placer id (SPM-2.1), else by the order it belongs to and SPM-1.</summary>
    public static ResourceReference? FromSpm(V2Segment spm, MappingContext context, string orderKey, ResourceReference? request)
    {
        var specimen = new Specimen
        {
            Subject = context.Patient,
            Type = Codes.FromCwe(spm.Field(4)),                                                    // SPM-4
            ReceivedTimeElement = context.Dates.DateTime(spm.Field(18)),                           // SPM-18
        };
        if (request is not null) specimen.Request.Add(request);
        var id = spm.Field(2);                                                                     // SPM-2 (EIP)
        var filler = id is null ? null : Identifiers.FromEi(id.Part(2), context);
        var placer = id is null ? null : Identifiers.FromEi(id.Part(1), context);
        if (placer is not null) { placer.Type = new CodeableConcept(Identifiers.IdentifierTypeSystem, "PLAC"); specimen.Identifier.Add(placer); }
        if (filler is not null) { filler.Type = new CodeableConcept(Identifiers.IdentifierTypeSystem, "FILL"); specimen.Identifier.Add(filler); }
        var collection = new Specimen.CollectionComponent
        {
            Collected = context.Dates.DateTime(spm.Field(17)),                                     // SPM-17 (DR start)
            Method = Codes.FromCwe(spm.Field(7)),                                                  // SPM-7
            BodySite = Codes.FromCwe(spm.Field(8)),                                                // SPM-8
        };
        if (spm.Field(17) is { } range && context.Dates.DateTime(range, 2) is { } end)
            collection.Collected = new Period(context.Dates.DateTime(range), end);
        if (!collection.IsExactly(new Specimen.CollectionComponent())) specimen.Collection = collection;
        if (specimen.Type is null && specimen.Identifier.Count == 0) return null;

        return (filler ?? placer) is { } identifier
            ? context.Transaction.PutByIdentifier(specimen, identifier)
            : context.Transaction.PutByKey(specimen, [.. context.PatientKey, orderKey, spm[1]]);
    }

    /// <summary>OBR-15 (SPS): the specimen source of an order, in messages without SPM.</summary>
    public static ResourceReference? FromObr(V2Segment obr, MappingContext context, string orderKey, ResourceReference? request)
    {
        if (obr.Field(15) is not { } sps || Codes.FromCwe(sps.Part(1)) is not { } type) return null; // OBR-15.1
        var specimen = new Specimen { Subject = context.Patient, Type = type };
        if (request is not null) specimen.Request.Add(request);
        if (context.Dates.DateTime(obr.Field(7)) is { } collected)                                // OBR-7
            specimen.Collection = new Specimen.CollectionComponent { Collected = collected, BodySite = Codes.FromCwe(sps.Part(4)) };
        return context.Transaction.PutByKey(specimen, [.. context.PatientKey, orderKey, "OBR-15"]);
    }
}
