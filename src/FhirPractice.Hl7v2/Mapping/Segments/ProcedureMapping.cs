using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>PR1 to Procedure (IG PR1[Procedure]).</summary>
internal static class ProcedureMapping
{
    private const string Snomed = "http://snomed.info/sct";

    /// <summary>
    /// A procedure of the patient, in the message's encounter. Matched by PR1-19 (procedure identifier) when
    /// given, else by the patient, the code, when it was done and the encounter.
    /// </summary>
    public static ResourceReference? Map(V2Segment pr1, MappingContext context)
    {
        var code = Codes.FromCwe(pr1.Field(3));                                                     // PR1-3
        if (code is null && pr1[4] is { } description) code = new CodeableConcept { Text = description }; // PR1-4
        else if (code is not null && code.Text is null) code.Text = pr1[4];
        if (code is null) return null;
        var procedure = new Procedure
        {
            Status = EventStatus.Completed,                                                        // the IG leaves it open: PR1 reports what was done
            Subject = context.Patient,
            Encounter = context.Encounter,
            Code = code,
            Category = Codes.FromCwe(pr1.Field(6)),                                                // PR1-6
        };
        var performed = context.Dates.DateTime(pr1.Field(5));                                      // PR1-5
        if (performed is not null && decimal.TryParse(pr1[7], System.Globalization.CultureInfo.InvariantCulture, out var minutes) // PR1-7
            && performed.TryToDateTimeOffset(out var start) && pr1[5]!.Length > 8)
            procedure.Performed = new Period(performed, new FhirDateTime(start.AddMinutes(Durations.Minutes(minutes, pr1.At(7)))));
        else procedure.Performed = performed;
        AddPerformers(procedure, pr1, 8, "88189002", "Anesthesiologist", context);                // PR1-8
        AddPerformers(procedure, pr1, 11, "304292004", "Surgeon", context);                       // PR1-11
        AddPerformers(procedure, pr1, 12, null, null, context);                                   // PR1-12
        foreach (var reason in pr1.Repetitions(15))                                                // PR1-15
            if (Codes.FromCwe(reason) is { } reasonCode) procedure.ReasonCode.Add(reasonCode);
        procedure.Location = Locations.Reference(pr1.Field(23), context);                         // PR1-23
        var identifier = Identifiers.FromEi(pr1.Field(19), context);                              // PR1-19
        if (identifier is not null) procedure.Identifier.Add(identifier);
        return identifier is not null
            ? context.Transaction.PutByIdentifier(procedure, identifier)
            : context.Transaction.PutByKey(procedure, [.. context.PatientKey, code.Coding.FirstOrDefault()?.Code ?? code.Text, pr1[5],
                context.Encounter is null ? null : context.EncounterKey]);
    }

    private static void AddPerformers(Procedure procedure, V2Segment pr1, int field, string? function, string? display, MappingContext context)
    {
        foreach (var xcn in pr1.Repetitions(field))
            if (Practitioners.Reference(xcn, context) is { } who)
                procedure.Performer.Add(new Procedure.PerformerComponent
                {
                    Actor = who,
                    Function = function is null ? null : new CodeableConcept(Snomed, function, display),
                });
    }
}
