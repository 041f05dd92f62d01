using FhirPractice.Hl7v2.Er7;

namespace FhirPractice.Hl7v2.Tests.Mapping;

/// <summary>Hand-written messages for the focused mapping tests; each differs from the defaults only where a test needs it.</summary>
internal static class Messages
{
    public static Er7Message Parse(params string[] segments) => Er7Parser.Parse(string.Join("\r", segments) + "\r");

    public static string Msh(string type, string controlId, string version = "2.5.1") =>
        $"MSH|^~\\&|LAB|GOODHEALTH^1.2.3.4^ISO|FHIRPRACTICE|PRACTICE|20240105093000+0100||{type}|{controlId}|P|{version}";

    public static string Pid(string mrn = "MRN1", string family = "EVERYMAN") =>
        $"PID|1||{mrn}^^^GOODHEALTH&1.2.3.4&ISO^MR||{family}^ADAM^A^III||19800101|M|||1 MAIN ST^^ANN ARBOR^MI^48104^USA^H||^PRN^PH^^1^555^5551234";

    public static Er7Message Adt(string trigger, string controlId, string mrn = "MRN1", string family = "EVERYMAN", string visit = "V1") => Parse(
        Msh($"ADT^{trigger}^ADT_A01", controlId),
        $"EVN|{trigger}|20240105093000+0100",
        Pid(mrn, family),
        $"PV1|1|I|W1^101^A^GOODHEALTH||||1234^DOCTOR^DAN^^^DR|||MED|||||||||{visit}^^^GOODHEALTH&1.2.3.4&ISO^VN|||||||||||||||||||||||||20240105090000+0100",
        $"AL1|1|DA|PEN^PENICILLIN^L|SV|HIVES|20200101");

    public static Er7Message Merge(string controlId, string survivor, string merged) => Parse(
        Msh("ADT^A40^ADT_A39", controlId),
        "EVN|A40|20240105093000+0100",
        Pid(survivor, "NEW"),
        $"MRG|{merged}^^^GOODHEALTH&1.2.3.4&ISO^MR");

    /// <summary>ADT A24 (link) or A37 (unlink) of the patients known by two medical record numbers.</summary>
    public static Er7Message Link(string trigger, string controlId, string first, string second) => Parse(
        Msh($"ADT^{trigger}^ADT_{trigger}", controlId),
        $"EVN|{trigger}|20240105093000+0100",
        Pid(first, "FIRST"),
        Pid(second, "SECOND"));
}
