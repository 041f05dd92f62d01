using FhirPractice.Hl7v2.Mapping.Datatypes;
using Hl7.Fhir.Model;

namespace FhirPractice.Hl7v2.Mapping.Segments;

/// <summary>PID to Patient (IG PID[Patient]); its PD1 in <see cref="AdditionalDemographicsMapping"/>, its primary-care ROLs in <see cref="RoleMapping"/>.</summary>
internal static class PatientMapping
{
    private const string Extensions = "http://hl7.org/fhir/StructureDefinition/";

    // IG concept map AdministrativeSex (HL7 table 0001).
    private static readonly Dictionary<string, AdministrativeGender> Genders = new()
    {
        ["F"] = AdministrativeGender.Female, ["M"] = AdministrativeGender.Male, ["O"] = AdministrativeGender.Other,
        ["U"] = AdministrativeGender.Unknown, ["A"] = AdministrativeGender.Other, ["N"] = AdministrativeGender.Other,
    };

    // IG concept map MaritalStatus (HL7 table 0002 → v3 MaritalStatus).
    private static readonly Dictionary<string, string> MaritalStatuses = new()
    {
        ["A"] = "L", ["D"] = "D", ["M"] = "M", ["S"] = "S", ["W"] = "W", ["C"] = "C", ["G"] = "T", ["P"] = "T",
        ["R"] = "T", ["E"] = "L", ["N"] = "A", ["I"] = "I", ["B"] = "U", ["U"] = "UNK", ["O"] = "OTH", ["T"] = "NAVU",
    };

    /// <summary>
    /// Adds the Patient of <paramref name="pid"/>, with the PD1 and primary-care ROLs right after it, and makes it the
    /// message's patient. It is matched by its PID-3 identifier: the first repetition of type MR, else the first. An
    /// ADT message owns the patient's demographics and updates the Patient (<c>PUT Patient?identifier=…</c>); other
    /// messages only create it when it is not there yet (<c>If-None-Exist</c>), so a lab's sparse PID does not erase
    /// what the ADT feed said.
    /// </summary>
    public static async System.Threading.Tasks.Task<ResourceReference> MapAsync(V2Segment pid, MappingContext context, bool updates, CancellationToken ct)
    {
        var (patient, match) = Build(pid, context);
        var following = context.Following(pid, "PD1", "ARV", "ROL").ToList();
        var pd1 = following.FirstOrDefault(s => s.Id == "PD1");
        if (pd1 is not null) AdditionalDemographicsMapping.Map(pd1, patient, context);
        foreach (var rol in following.Where(s => s.Id == "ROL" && RoleMapping.IsPrimaryCare(s)))
            patient.GeneralPractitioner.Add(RoleMapping.PrimaryCare(rol, context));
        context.StoredPatientId = null;
        if (!updates)
        {
            context.PatientIdentifier = match;
            context.Patient = context.Transaction.CreateIfNoneExist(patient, match);
            if (pd1 is not null) AdditionalDemographicsMapping.LivingWill(pd1, context);
            return context.Patient;
        }
        // Links are set by merges (A40) and links (A24), which PID does not carry: the update keeps those already stored.
        var stored = await context.Lookup.ByIdentifierAsync("Patient", match, ct);
        if (stored is [Patient existing])
        {
            patient.Link.AddRange(existing.Link);
            if (pd1 is null) AdditionalDemographicsMapping.Keep(existing, patient);
            context.StoredPatientId = existing.Id;
        }
        context.PatientIdentifier = match;
        context.Patient = context.Transaction.PutByIdentifier(patient, match);
        if (pd1 is not null) AdditionalDemographicsMapping.LivingWill(pd1, context);
        return context.Patient;
    }

    /// <summary>A person's administrative sex (table 0001) as a FHIR gender; null when empty or not in the table.</summary>
    public static AdministrativeGender? Gender(string? sex) => sex is not null && Genders.TryGetValue(sex, out var gender) ? gender : null;

    /// <summary>The Patient of a PID and the identifier it is matched by.</summary>
    public static (Patient Patient, Identifier Match) Build(V2Segment pid, MappingContext context)
    {
        var dates = context.Dates;
        var patient = new Patient();
        var ids = pid.Repetitions(3).Select(cx => Identifiers.FromCx(cx, context)).OfType<Identifier>().ToList();
        if (ids.Count == 0) throw V2Segment.RequiredFieldMissing(pid.At(3), "Patient Identifier List");
        var match = ids.FirstOrDefault(i => i.Type?.Coding.FirstOrDefault()?.Code == "MR") ?? ids[0];

        AddAll(patient.Identifier, pid.Repetitions(2).Select(cx => Identifiers.FromCx(cx, context)));   // PID-2
        patient.Identifier.AddRange(ids);                                                                 // PID-3
        AddAll(patient.Identifier, pid.Repetitions(4).Select(cx => Identifiers.FromCx(cx, context)));   // PID-4
        if (pid[19] is { } ssn) patient.Identifier.Add(Identifiers.Typed("http://hl7.org/fhir/sid/us-ssn", ssn, "SS")); // PID-19
        if (pid.Field(20) is { } dln && dln[1] is { } licence)                                           // PID-20 (DLN)
            patient.Identifier.Add(Identifiers.Typed(dln[2] is { } state ? Codes.SystemFor(state) : null, licence, "DL"));

        AddAll(patient.Name, pid.Repetitions(5).Select(xpn => Names.FromXpn(xpn, dates)));               // PID-5
        AddAll(patient.Name, pid.Repetitions(9).Select(xpn => Names.FromXpn(xpn, dates)));               // PID-9
        if (pid.Field(6) is { } maiden && maiden.Part(1)[1] is { } maidenName)                           // PID-6
            patient.Extension.Add(new Extension(Extensions + "patient-mothersMaidenName", new FhirString(maidenName)));

        if (pid.Field(7) is { } birth && dates.Date(birth) is { } birthDate)                             // PID-7
        {
            patient.BirthDateElement = birthDate;
            if (birth[1]!.Length > 8 && dates.DateTime(birth) is { } birthTime)
                birthDate.Extension.Add(new Extension(Extensions + "patient-birthTime", birthTime));
        }
        patient.Gender = Gender(pid[8]);                                                                 // PID-8

        AddAll(patient.Address, pid.Repetitions(11).Select(xad => Addresses.FromXad(xad, dates)));       // PID-11
        if (pid[12] is { } county && patient.Address.FirstOrDefault() is { District: null } first) first.District = county; // PID-12
        AddAll(patient.Telecom, pid.Repetitions(13).Select(x => ContactPoints.FromXtn(x, dates, ContactPoint.ContactPointUse.Home))); // PID-13
        AddAll(patient.Telecom, pid.Repetitions(14).Select(x => ContactPoints.FromXtn(x, dates, ContactPoint.ContactPointUse.Work))); // PID-14
        AddAll(patient.Telecom, pid.Repetitions(40).Select(x => ContactPoints.FromXtn(x, dates)));       // PID-40

        if (Codes.FromCwe(pid.Field(15), Codes.V2Table("0296")) is { } language)                          // PID-15
            patient.Communication.Add(new Patient.CommunicationComponent { Language = language });
        if (pid.Field(16) is { } marital && marital[1] is { } maritalCode)                                // PID-16
        {
            patient.MaritalStatus = Codes.FromCwe(marital, Codes.V2Table("0002"));
            if (MaritalStatuses.TryGetValue(maritalCode, out var v3))
                patient.MaritalStatus!.Coding.Insert(0, new Coding("http://terminology.hl7.org/CodeSystem/v3-MaritalStatus", v3));
        }
        if (Codes.FromCwe(pid.Field(17), Codes.V2Table("0006")) is { } religion)                           // PID-17
            patient.Extension.Add(new Extension(Extensions + "patient-religion", religion));

        if (pid[25] is { } order && int.TryParse(order, out var birthOrder)) patient.MultipleBirth = new Integer(birthOrder); // PID-25
        else if (pid[24] is "Y" or "N") patient.MultipleBirth = new FhirBoolean(pid[24] == "Y");                             // PID-24
        if (pid.Field(29) is { } death) patient.Deceased = dates.DateTime(death);                        // PID-29
        else if (pid[30] is "Y" or "N") patient.Deceased = new FhirBoolean(pid[30] == "Y");               // PID-30
        return (patient, match);
    }

    private static void AddAll<T>(List<T> target, IEnumerable<T?> items) where T : class =>
        target.AddRange(items.OfType<T>());
}
