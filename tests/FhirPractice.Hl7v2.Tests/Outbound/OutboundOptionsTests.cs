using FhirPractice.Hl7v2.Outbound;

namespace FhirPractice.Hl7v2.Tests.Outbound;

public class OutboundOptionsTests
{
    private static OutboundOptions With(OutboundDestination destination) => new() { Destinations = { ["ehr"] = destination } };

    [Fact]
    public void A_destination_with_unknown_patient_events_is_refused_at_start_naming_the_setting_and_the_choices()
    {
        var error = Assert.Throws<InvalidOperationException>(() => With(new() { Host = "ehr.example", Port = 2575, PatientEvents = "A01" }).Validate());
        Assert.Equal("Hl7v2:Outbound:Destinations:ehr:PatientEvents: 'A01' is not one of A08, A04, A28", error.Message);
        With(new() { Host = "ehr.example", Port = 2575, PatientEvents = "A28" }).Validate();
    }

    [Theory]
    [InlineData("A08", true, false, "A08", "ADT_A01")]
    [InlineData("A08", false, false, "A08", "ADT_A01")]
    [InlineData("A08", false, true, null, null)]
    [InlineData("A04", true, false, "A04", "ADT_A01")]
    [InlineData("A04", false, false, "A08", "ADT_A01")]
    [InlineData("A04", false, true, null, null)]
    [InlineData("A28", true, false, "A28", "ADT_A05")]
    [InlineData("A28", false, false, "A31", "ADT_A05")]
    [InlineData("A28", false, true, "A29", "ADT_A21")]
    public void Each_style_has_its_trigger_for_a_new_patient_a_change_and_a_deletion(string style, bool isNew, bool deleted, string? trigger, string? structure)
    {
        Assert.Equal(trigger is null ? null : (trigger, structure!), PatientEvents.For(style, isNew, deleted));
        Assert.Equal(style == "A28", PatientEvents.SendsDeletions(style));
    }

    [Theory]
    [InlineData("EHR", null, false, "EHR|MAIN", true)]
    [InlineData("EHR", "MAIN", false, "EHR|MAIN", true)]
    [InlineData("EHR", "MAIN", false, "EHR|BRANCH", false)]
    [InlineData("EHR", null, false, "LAB|MAIN", false)]
    [InlineData("EHR", null, false, null, false)]
    [InlineData(null, null, false, "EHR|MAIN", false)]
    [InlineData("EHR", null, true, "EHR|MAIN", false)]
    public void A_destination_is_the_source_of_a_change_its_own_application_and_facility_sent(
        string? application, string? facility, bool echo, string? origin, bool isSource) =>
        Assert.Equal(isSource, new OutboundDestination { ReceivingApplication = application, ReceivingFacility = facility, EchoOwnChanges = echo }.IsSourceOf(origin));
}
