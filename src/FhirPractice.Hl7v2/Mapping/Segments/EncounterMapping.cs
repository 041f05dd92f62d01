using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>PV1 to Encounter (IG PV1[Encounter]).</summary>
internal static class EncounterMapping
{
    private const string ActCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
    private const string ParticipationType = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

    /// <summary>The stored resources that are of a visit, and the search parameter that finds them by it.</summary>
    public static readonly (string Type, string Parameter)[] OfTheVisit =
    [
        ("Observation", "encounter"), ("Condition", "encounter"), ("Procedure", "encounter"), ("DiagnosticReport", "encounter"),
        ("ServiceRequest", "encounter"), ("ChargeItem", "context"), ("DocumentReference", "encounter"),
        ("MedicationRequest", "encounter"), ("MedicationDispense", "context"), ("Encounter", "part-of"),
    ];

    // IG concept map PatientClass[EncounterClass] (HL7 table 0004 → v3 ActCode).
    private static readonly Dictionary<string, (string Code, string Display)> Classes = new()
    {
        ["E"] = ("EMER", "emergency"), ["I"] = ("IMP", "inpatient encounter"), ["O"] = ("AMB", "ambulatory"),
        ["P"] = ("PRENC", "pre-admission"),
    };

    /// <summary>
    /// The Encounter of a PV1, matched by its visit number (PV1-19); without one, by the patient and the admit
    /// time (PV1-44); without either, it is the patient's one visit without a number, updated by each message
    /// that names no other. A PV1 that holds nothing beyond PV1-1 and PV1-2 (the placeholder PV1 of an A31,
    /// say) describes no visit: no Encounter, null returned. <paramref name="status"/> is what the trigger says of the
    /// visit (see <see cref="Messages.AdtEvents"/>); without it, the status follows from PV1: finished once PV1-45 is
    /// valued, planned for a pre-admission (PV1-2 P), else in progress. A visit that the trigger says is not over
    /// (a cancelled discharge, A13) has no end, whatever PV1-45 still says. With <paramref name="replacing"/> (a visit
    /// number change, A50/A51) the PV1 is written in place of that stored Encounter, keeping the identifiers it had that
    /// the change does not name.
    /// </summary>
    public static ResourceReference? Map(V2Segment pv1, MappingContext context, Encounter.EncounterStatus? status = null, Replaced? replacing = null)
    {
        var dates = context.Dates;
        var visitNumber = Identifiers.FromCx(pv1.Field(19), context);
        var admitted = dates.DateTime(pv1.Field(44));
        if (visitNumber is null && admitted is null && Enumerable.Range(3, 50).All(f => pv1.Field(f) is null)) return null;

        var encounter = new Encounter { Subject = context.Patient };
        if (visitNumber is not null)                                                             // PV1-19
        {
            visitNumber.Type = new CodeableConcept(Identifiers.IdentifierTypeSystem, "VN") { Text = "visit number" };
            encounter.Identifier.Add(visitNumber);
        }
        if (Identifiers.FromCx(pv1.Field(50), context) is { } alternate) encounter.Identifier.Add(alternate); // PV1-50

        var patientClass = pv1[2];                                                               // PV1-2
        encounter.Class = patientClass is not null && Classes.TryGetValue(patientClass, out var c)
            ? new Coding(ActCode, c.Code, c.Display)
            : new Coding(Codes.V2Table("0004"), patientClass ?? "U");
        var discharged = dates.DateTime(pv1.Field(45));                                          // PV1-45
        var finished = status == Encounter.EncounterStatus.Finished;
        if (status is Encounter.EncounterStatus.InProgress or Encounter.EncounterStatus.Planned or Encounter.EncounterStatus.Onleave) discharged = null;
        encounter.Status = status
            ?? (discharged is not null ? Encounter.EncounterStatus.Finished
            : patientClass == "P" ? Encounter.EncounterStatus.Planned
            : Encounter.EncounterStatus.InProgress);
        if (admitted is not null || discharged is not null) encounter.Period = new Period(admitted, discharged); // PV1-44, PV1-45
        if (finished && encounter.Period?.End is null)
            encounter.Period = new Period(admitted, discharged ?? dates.DateTime(context.First("EVN")?.Field(6)) ?? dates.DateTime(context.First("EVN")?.Field(2)));

        if (Codes.FromCwe(pv1.Field(4), Codes.V2Table("0007")) is { } admissionType) encounter.Type.Add(admissionType); // PV1-4
        encounter.ServiceType = Codes.FromCwe(pv1.Field(10), Codes.V2Table("0069"));            // PV1-10

        AddLocation(encounter, pv1.Field(3), Encounter.EncounterLocationStatus.Active, context);  // PV1-3
        AddLocation(encounter, pv1.Field(6), Encounter.EncounterLocationStatus.Completed, context); // PV1-6
        AddLocation(encounter, pv1.Field(11), Encounter.EncounterLocationStatus.Active, context); // PV1-11
        AddLocation(encounter, pv1.Field(42), Encounter.EncounterLocationStatus.Planned, context); // PV1-42

        AddParticipants(encounter, pv1, 7, "ATND", "attender", context);                          // PV1-7
        AddParticipants(encounter, pv1, 8, "REF", "referrer", context);                           // PV1-8
        AddParticipants(encounter, pv1, 9, "CON", "consultant", context);                         // PV1-9
        AddParticipants(encounter, pv1, 17, "ADM", "admitter", context);                          // PV1-17
        AddParticipants(encounter, pv1, 52, "PART", "Participation", context);                    // PV1-52

        var stay = new Encounter.HospitalizationComponent
        {
            PreAdmissionIdentifier = Identifiers.FromCx(pv1.Field(5), context),                  // PV1-5
            ReAdmission = Codes.FromCwe(pv1.Field(13), Codes.V2Table("0092")),                   // PV1-13
            AdmitSource = Codes.FromCwe(pv1.Field(14), Codes.V2Table("0023")),                   // PV1-14
            DischargeDisposition = Codes.FromCwe(pv1.Field(36), Codes.V2Table("0112")),          // PV1-36
        };
        if (Codes.FromCwe(pv1.Field(15), Codes.V2Table("0009")) is { } arrangement) stay.SpecialArrangement.Add(arrangement); // PV1-15
        if (Codes.FromCwe(pv1.Field(16), Codes.V2Table("0099")) is { } courtesy) stay.SpecialCourtesy.Add(courtesy);         // PV1-16
        if (Codes.FromCwe(pv1.Field(38), Codes.V2Table("0114")) is { } diet) stay.DietPreference.Add(diet);                  // PV1-38
        if (!stay.IsExactly(new Encounter.HospitalizationComponent())) encounter.Hospitalization = stay;

        context.EncounterKey = visitNumber?.Value ?? admitted?.Value ?? "no visit number";
        if (replacing is { Stored: var stored, Prior: var prior })
        {
            encounter.Identifier.AddRange(Identifiers.Kept(stored.Identifier, prior, encounter.Identifier));
            return context.Encounter = context.Transaction.Put(encounter, $"Encounter/{stored.Id}");
        }
        return context.Encounter = visitNumber is not null
            ? context.Transaction.PutByIdentifier(encounter, visitNumber)
            : context.Transaction.PutByKey(encounter, [.. context.PatientKey, context.EncounterKey]);
    }

    /// <summary>A stored Encounter a PV1 is written in place of, and the identifiers (prior numbers) it gives up.</summary>
    public sealed record Replaced(Encounter Stored, IReadOnlyList<Identifier> Prior);

    /// <summary>
    /// PV2 to the Encounter of the PV1 before it (IG PV2[Encounter]): the pending location, admit reason, planned start
    /// and end (the R5 cross-version extensions; a plan, not the period), length of stay, visit description, referral
    /// source, priority and mode of arrival. A PV2 without a visit before it describes none.
    /// </summary>
    public static void MapPv2(V2Segment pv2, MappingContext context)
    {
        if (context.Encounter is not { } visit) return;
        var encounter = context.Transaction.Resource<Encounter>(visit);
        var dates = context.Dates;
        AddLocation(encounter, pv2.Field(1), Encounter.EncounterLocationStatus.Planned, context);  // PV2-1
        if (Codes.FromCwe(pv2.Field(3)) is { } reason) encounter.ReasonCode.Add(reason);           // PV2-3
        if (dates.DateTime(pv2.Field(8)) is { } plannedStart)                                      // PV2-8
            encounter.Extension.Add(new Extension(PlannedStartDate, plannedStart));
        if (dates.DateTime(pv2.Field(9)) is { } plannedEnd)                                        // PV2-9
            encounter.Extension.Add(new Extension(PlannedEndDate, plannedEnd));
        if (pv2[11] is { } days)                                                                   // PV2-11
            encounter.Length = decimal.TryParse(days, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var stay)
                ? new Duration { Value = stay, Unit = "days", System = "http://unitsofmeasure.org", Code = "d" }
                : throw V2Segment.DataTypeError(pv2.At(11), "a number of days");
        if (pv2[12] is { } description) encounter.Text = Narrative(description);                  // PV2-12
        AddParticipants(encounter, pv2, 13, "REF", "referrer", context);                          // PV2-13
        encounter.Priority = Codes.FromCwe(pv2.Field(25), Codes.V2Table("0217"));                 // PV2-25
        if (Codes.FromCwe(pv2.Field(38), Codes.V2Table("0430"))?.Coding.FirstOrDefault() is { } arrival) // PV2-38
            encounter.Extension.Add(new Extension("http://hl7.org/fhir/StructureDefinition/encounter-modeOfArrival", arrival));
    }

    private const string PlannedStartDate = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Encounter.plannedStartDate";
    private const string PlannedEndDate = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Encounter.plannedEndDate";

    /// <summary>The visit description as the Encounter's narrative (additional: the resource's data says more).</summary>
    private static Narrative Narrative(string text) => new()
    {
        Status = Hl7.Fhir.Model.Narrative.NarrativeStatus.Additional,
        Div = $"<div xmlns=\"http://www.w3.org/1999/xhtml\">{System.Net.WebUtility.HtmlEncode(text)}</div>",
    };

    private static void AddLocation(Encounter encounter, V2Value? pl, Encounter.EncounterLocationStatus status, MappingContext context)
    {
        if (Locations.Reference(pl, context) is { } location)
            encounter.Location.Add(new Encounter.LocationComponent { Location = location, Status = status });
    }

    private static void AddParticipants(Encounter encounter, V2Segment visit, int field, string code, string text, MappingContext context)
    {
        foreach (var xcn in visit.Repetitions(field))
            if (Practitioners.Reference(xcn, context) is { } who)
                encounter.Participant.Add(new Encounter.ParticipantComponent
                {
                    Type = [new CodeableConcept(ParticipationType, code) { Text = text }],
                    Individual = who,
                });
    }
}
