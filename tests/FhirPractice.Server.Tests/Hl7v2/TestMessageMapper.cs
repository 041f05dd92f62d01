using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mapping;
using FhirPractice.Hl7v2.Mllp;
using Hl7.Fhir.Model;

namespace FhirPractice.Server.Tests.Hl7v2;

/// <summary>What the tests change in the test mapper at run time (a "mapping fix" before a replay).</summary>
public sealed class TestMapperSwitches
{
    /// <summary>While set, an ADT whose PID-5 family name is this is a content error (AE): a mapping bug to fix.</summary>
    public volatile string? BrokenFamily = "BROKEN";
}

/// <summary>
/// A small stand-in for the real v2→FHIR mappings, for the bridge's tests only: ADT → conditional update of
/// the Patient by PID-3; SIU → the Patient and an Appointment by SCH-1; ORU → the Patient and one Observation
/// per OBX by OBR-3 and OBX-1. PID-7 goes into birthDate unchecked, so a bad date reaches the engine (its 4xx).
/// Other types are refused (AR, 200).
/// </summary>
public sealed class TestMessageMapper(TestMapperSwitches switches) : IMessageMapper
{
    public const string PatientSystem = "urn:test:mrn:";

    public Task<MappingResult> MapAsync(Er7Message message, IFhirLookup lookup, CancellationToken ct = default)
    {
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        var type = message.Get("MSH-9-1");
        if (type is not ("ADT" or "SIU" or "ORU"))
            throw new MappingException(new AckError("MSH", 1, 9, "200", "Unsupported message type", Diagnostic: $"message type '{type}' is not mapped"), reject: true);

        var patient = PatientEntry(message, bundle);
        if (type == "SIU")
        {
            var id = message.Get("SCH-1-1") ?? throw Missing("SCH", 1, "the placer appointment id (SCH-1) is required");
            var appointment = new Appointment
            {
                Identifier = [new Identifier("urn:test:appointment", id)],
                Status = Appointment.AppointmentStatus.Booked,
                Participant = [new Appointment.ParticipantComponent { Actor = new ResourceReference(patient), Status = ParticipationStatus.Accepted }],
            };
            Add(bundle, appointment, $"Appointment?identifier=urn:test:appointment|{id}");
        }
        else if (type == "ORU")
        {
            var order = message.Get("OBR-3-1") ?? throw Missing("OBR", 3, "the filler order number (OBR-3) is required");
            var obx = 0;
            foreach (var _ in message.SegmentsWithId("OBX"))
            {
                obx++;
                var code = message.Get($"OBX({obx})-3-1") ?? throw Missing("OBX", 3, "the observation identifier (OBX-3) is required", obx);
                var observation = new Observation
                {
                    Identifier = [new Identifier("urn:test:observation", $"{order}-{obx}")],
                    Status = ObservationStatus.Final,
                    Code = new CodeableConcept("urn:test:code", code),
                    Subject = new ResourceReference(patient),
                    Value = new FhirString(message.Get($"OBX({obx})-5")),
                };
                Add(bundle, observation, $"Observation?identifier=urn:test:observation|{order}-{obx}");
            }
        }
        return System.Threading.Tasks.Task.FromResult(new MappingResult(bundle, []));
    }

    private string PatientEntry(Er7Message message, Bundle bundle)
    {
        var mrn = message.Get("PID-3(1)-1") ?? throw Missing("PID", 3, "the patient identifier (PID-3) is required");
        var family = message.Get("PID-5-1");
        if (family is not null && family == switches.BrokenFamily)
            throw new MappingException(new AckError("PID", 1, 5, "207", "Application error", Diagnostic: $"the family name '{family}' is not mapped (a test mapping bug)"));
        var system = PatientSystem + (message.Get("PID-3(1)-4-1") ?? "local");
        var patient = new Patient
        {
            Identifier = [new Identifier(system, mrn)],
            Name = family is null ? [] : [new HumanName { Family = family, Given = message.Get("PID-5-2") is { } given ? [given] : [] }],
        };
        patient.BirthDate = message.Get("PID-7");
        return Add(bundle, patient, $"Patient?identifier={Uri.EscapeDataString(system)}|{Uri.EscapeDataString(mrn)}");
    }

    private static string Add(Bundle bundle, Resource resource, string conditionalUrl)
    {
        var fullUrl = "urn:uuid:" + Guid.NewGuid();
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = fullUrl,
            Resource = resource,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = conditionalUrl },
        });
        return fullUrl;
    }

    private static MappingException Missing(string segment, int field, string diagnostic, int sequence = 1) =>
        new(new AckError(segment, sequence, field, "101", "Required field missing", Diagnostic: diagnostic));
}
