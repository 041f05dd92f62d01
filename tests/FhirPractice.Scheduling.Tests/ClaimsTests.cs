using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Storage;
using FhirPractice.Scheduling.Occupancy;
using Hl7.Fhir.Model;

namespace FhirPractice.Scheduling.Tests;

/// <summary>What an Appointment or Slot version claims, read from the resource the engine prepared or else from its bytes.</summary>
public sealed class ClaimsTests
{
    private static readonly DateTimeOffset Nine = new(2025, 6, 10, 13, 0, 0, TimeSpan.Zero);

    private static ResourceWrite Write(Resource resource, bool parsed) =>
        new(resource.TypeName, "x", 1, Nine, "POST", ResourceSerializer.ToJsonBytes(resource), []) { Parsed = parsed ? resource : null };

    private static Appointment Hold() => new()
    {
        Status = Appointment.AppointmentStatus.Pending,
        Start = Nine,
        End = Nine.AddMinutes(30),
        Slot = [new ResourceReference("http://example.org/fhir/Slot/s1/_history/2")],
        Participant =
        [
            new Appointment.ParticipantComponent { Actor = new ResourceReference("Patient/p"), Status = ParticipationStatus.Accepted },
            new Appointment.ParticipantComponent { Actor = new ResourceReference("Practitioner/d"), Status = ParticipationStatus.Accepted },
            new Appointment.ParticipantComponent { Actor = new ResourceReference("Practitioner/gone"), Status = ParticipationStatus.Declined },
            new Appointment.ParticipantComponent { Actor = new ResourceReference("HealthcareService/h"), Status = ParticipationStatus.Accepted },
        ],
        Extension =
        [
            new Extension(SchedulingUrls.HoldExpires, new Instant(Nine.AddMinutes(-50))),
            new Extension(SchedulingUrls.WaitlistEntry, new ResourceReference("Appointment/w")),
        ],
    };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_hold_claims_its_time_for_its_taking_participants_with_its_slots_expiry_and_offer(bool parsed)
    {
        var claims = Claims.Read(Write(Hold(), parsed), _ => throw new InvalidOperationException("an Appointment reads no Schedule"))!;

        Assert.Equal(["Patient/p", "Practitioner/d"], claims.Actors);
        Assert.Equal((Nine, Nine.AddMinutes(30)), (claims.Interval.Range.Start, claims.Interval.Range.End));
        Assert.Equal("Appointment/x", claims.Interval.Owner);
        Assert.Equal(["Slot/s1"], claims.Interval.Slots);
        Assert.Equal(Nine.AddMinutes(-50), claims.HoldExpires);
        Assert.Equal("w", claims.OfferedTo);
        Assert.False(claims.AwaitsArrival);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_busy_slot_claims_for_its_schedules_actors_and_a_free_slot_or_proposal_claims_nothing(bool parsed)
    {
        var slot = new Slot { Schedule = new ResourceReference("Schedule/s"), Status = Slot.SlotStatus.Busy, Start = Nine, End = Nine.AddMinutes(30), Overbooked = true };
        var claims = Claims.Read(Write(slot, parsed), schedule => schedule == "Schedule/s" ? ["Practitioner/d"] : [])!;
        Assert.Equal(["Practitioner/d"], claims.Actors);
        Assert.True(claims.Overbooked);

        slot.Status = Slot.SlotStatus.Free;
        Assert.Null(Claims.Read(Write(slot, parsed), _ => []));
        var proposal = Hold();
        proposal.Status = Appointment.AppointmentStatus.Proposed;
        Assert.Null(Claims.Read(Write(proposal, parsed), _ => []));
    }

    [Fact]
    public void A_version_that_ends_before_it_starts_is_refused_whatever_its_status()
    {
        var backwards = Hold();
        backwards.Status = Appointment.AppointmentStatus.Cancelled;
        backwards.End = Nine.AddMinutes(-30);

        var error = Assert.Throws<FhirError>(() => Claims.Read(Write(backwards, parsed: true), _ => []));

        Assert.Equal(System.Net.HttpStatusCode.UnprocessableEntity, error.Status);
    }
}
