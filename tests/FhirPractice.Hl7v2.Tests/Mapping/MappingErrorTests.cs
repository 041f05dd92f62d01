using FhirPractice.Hl7v2.Mapping;

namespace FhirPractice.Hl7v2.Tests.Mapping;

/// <summary>A message that cannot be mapped is refused with an error naming the segment, its sequence and the field.</summary>
public class MappingErrorTests
{
    private static Task<MappingResult> Map(params string[] segments) =>
        new V2ToFhirMapper().MapAsync(Messages.Parse(segments), new FakeFhirLookup());

    [Theory]
    [InlineData("ADT^A43^ADT_A43")]
    [InlineData("QRY^A19^QRY_A19")]
    [InlineData("SIU^S20^SIU_S12")]
    public async Task Unsupported_message_type_is_rejected_with_200(string type)
    {
        var error = await Assert.ThrowsAsync<MappingException>(() => Map(Messages.Msh(type, "C1"), Messages.Pid()));
        Assert.True(error.Reject);
        Assert.Equal(("MSH", 9, "200"), (error.Error.SegmentId, error.Error.Field, error.Error.Code));
    }

    [Fact]
    public async Task A_link_needs_two_different_patients()
    {
        var one = await Assert.ThrowsAsync<MappingException>(() => Map(Messages.Msh("ADT^A24^ADT_A24", "C1"), "EVN|A24|20240105093000+0100", Messages.Pid()));
        Assert.Equal(("PID", 2, "100"), (one.Error.SegmentId, one.Error.SegmentSequence, one.Error.Code));
        Assert.Contains("names two patients", one.Error.Diagnostic);
        var same = await Assert.ThrowsAsync<MappingException>(() => Map(Messages.Msh("ADT^A37^ADT_A37", "C2"), "EVN|A37|20240105093000+0100", Messages.Pid(), Messages.Pid()));
        Assert.Equal(("PID", 2, 3, "102"), (same.Error.SegmentId, same.Error.SegmentSequence, same.Error.Field, same.Error.Code));
    }

    [Fact]
    public async Task Missing_message_type_is_101_naming_MSH_9()
    {
        var error = await Assert.ThrowsAsync<MappingException>(() => Map(Messages.Msh("", "C1"), Messages.Pid()));
        Assert.Equal(("MSH", 1, 9, "101"), (error.Error.SegmentId, error.Error.SegmentSequence, error.Error.Field, error.Error.Code));
    }

    [Fact]
    public async Task Missing_patient_identifier_is_101_naming_PID_3()
    {
        var error = await Assert.ThrowsAsync<MappingException>(() => Map(Messages.Msh("ADT^A01", "C1"), "PID|1||||EVERYMAN^ADAM"));
        Assert.Equal(("PID", 1, 3, "101"), (error.Error.SegmentId, error.Error.SegmentSequence, error.Error.Field, error.Error.Code));
        Assert.False(error.Reject);
    }

    [Theory]
    [InlineData("OBX|1|NM|29463-7^Body weight^LN||heavy|kg", 5, "102")]
    [InlineData("OBX|1|NM|||72|kg", 3, "101")]
    public async Task An_ADTs_broken_OBX_names_its_field(string obx, int field, string code)
    {
        var error = await Assert.ThrowsAsync<MappingException>(() => Map(Messages.Msh("ADT^A08", "C1"), Messages.Pid(), "OBX|1|ST|8302-2^Height^LN||tall", obx.Replace("OBX|1|", "OBX|2|")));
        Assert.Equal(("OBX", 2, field, code), (error.Error.SegmentId, error.Error.SegmentSequence, error.Error.Field, error.Error.Code));
        Assert.False(error.Reject);
    }

    [Fact]
    public async Task A_primary_care_ROL_without_its_person_is_101_naming_ROL_4()
    {
        var error = await Assert.ThrowsAsync<MappingException>(() => Map(Messages.Msh("ADT^A08", "C1"), Messages.Pid(), "ROL|R1^EHR|AD|PP^Primary Care Provider^HL70443"));
        Assert.Equal(("ROL", 1, 4, "101"), (error.Error.SegmentId, error.Error.SegmentSequence, error.Error.Field, error.Error.Code));
    }

    [Theory]
    [InlineData("PV2||||||||next tuesday", 8)]
    [InlineData("PV2|||||||||||three", 11)]
    public async Task A_PV2_value_not_of_its_type_is_102_naming_the_field(string pv2, int field)
    {
        var error = await Assert.ThrowsAsync<MappingException>(() => Map(Messages.Msh("ADT^A05", "C1"), Messages.Pid(),
            "PV1|1|P|W1^101^A||||||||||||||||V1^^^GOODHEALTH&1.2.3.4&ISO", pv2));
        Assert.Equal(("PV2", 1, field, "102"), (error.Error.SegmentId, error.Error.SegmentSequence, error.Error.Field, error.Error.Code));
    }

    [Fact]
    public async Task Missing_PID_segment_is_a_segment_sequence_error()
    {
        var error = await Assert.ThrowsAsync<MappingException>(() => Map(Messages.Msh("ADT^A01", "C1"), "EVN|A01"));
        Assert.Equal(("PID", "100"), (error.Error.SegmentId, error.Error.Code));
    }

    [Theory]
    [InlineData("PID|1||MRN1^^^HOSP^MR||DOE^JOHN||19801340")]        // no 40th day
    [InlineData("PID|1||MRN1^^^HOSP^MR||DOE^JOHN||yesterday")]
    [InlineData("PID|1||MRN1^^^HOSP^MR||DOE^JOHN||198001011230+1900")] // offset beyond 14 hours
    public async Task Unparseable_date_is_102_naming_the_field(string pid)
    {
        var error = await Assert.ThrowsAsync<MappingException>(() => Map(Messages.Msh("ADT^A01", "C1"), pid));
        Assert.Equal(("PID", 7, "102"), (error.Error.SegmentId, error.Error.Field, error.Error.Code));
    }

    [Fact]
    public async Task NM_value_that_is_not_a_number_is_102_naming_the_OBX()
    {
        var error = await Assert.ThrowsAsync<MappingException>(() => Map(Messages.Msh("ORU^R01", "C1"), Messages.Pid(),
            "OBR|1||F1^LAB|CBC^Blood count^L", "OBX|1|NM|GLU^Glucose^L||5.5|mmol/L^^UCUM||||||F", "OBX|2|NM|HB^Hemoglobin^L||high|g/dL^^UCUM||||||F"));
        Assert.Equal(("OBX", 2, 5, "102"), (error.Error.SegmentId, error.Error.SegmentSequence, error.Error.Field, error.Error.Code));
    }

    [Fact]
    public async Task Appointment_without_placer_or_filler_id_is_101_naming_SCH()
    {
        var error = await Assert.ThrowsAsync<MappingException>(() => Map(Messages.Msh("SIU^S12", "C1"), "SCH|||", Messages.Pid()));
        Assert.Equal(("SCH", 2, "101"), (error.Error.SegmentId, error.Error.Field, error.Error.Code));
    }
}
