using System.Text;
using FhirPractice.Fhir.Rest;
using FhirPractice.Scheduling.Availability;
using FhirPractice.Scheduling.Operations;
using Hl7.Fhir.Model;
using NodaTime;

namespace FhirPractice.Scheduling.Tests;

/// <summary>$find's proposals written from one SDK serialisation are byte for byte what the SDK writes for each.</summary>
public sealed class ProposalJsonTests
{
    private static readonly DateTimeZone NewYork = DateTimeZoneProviders.Tzdb["America/New_York"];

    private static AvailabilityRules Rules(string id, params string[] actors)
    {
        var schedule = new Schedule { Id = id, Actor = [.. actors.Select(a => new ResourceReference(a))] };
        return AvailabilityRules.From(schedule, NewYork);
    }

    public static TheoryData<string, string?, string?, string?> Cases => new()
    {
        { "2026-12-01T14:00:00Z", null, null, null },
        { "2026-12-01T09:00:00-05:00", "urn:x|visit", "Patient/p", "HealthcareService/h" },
        { "2026-12-01T14:00:00.125Z", "cod\"e é<>&\\", "Patient/p", null },
        { "2027-03-14T06:59:59.9999999Z", null, null, "Practitioner/a" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_proposal_is_what_the_sdk_writes(string first, string? serviceType, string? patient, string? service)
    {
        var rules = new[] { Rules("s", "Practitioner/a", "Location/r"), Rules("t") };
        var coding = serviceType is null ? null : serviceType.Contains('|') ? new Coding(serviceType.Split('|')[0], serviceType.Split('|')[1]) : new Coding(null, serviceType);
        var start = DateTimeOffset.Parse(first);
        Appointment Proposal(TimeRange v) => FindOperation.Proposal(rules, v, coding, patient, service);
        var json = new ProposalJson(Proposal, new TimeRange(start, start.AddMinutes(30)));
        Assert.True(json.Splices);

        // Later visits: another duration, another number of digits, fractions of a second.
        foreach (var visit in new[] { new TimeRange(start, start.AddMinutes(30)), new TimeRange(start.AddHours(1), start.AddHours(1).AddMinutes(300)),
                     new TimeRange(start.AddDays(40).AddMilliseconds(1), start.AddDays(40).AddMinutes(5)), new TimeRange(start.AddSeconds(1), start.AddSeconds(61)) })
            Assert.Equal(Encoding.UTF8.GetString(ResourceSerializer.ToJsonBytes(Proposal(visit))), Encoding.UTF8.GetString(json.Write(visit)));
    }
}
