using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mllp;

namespace FhirPractice.Hl7v2.Inbound;

/// <summary>When an acknowledgment is sent, from MSH-15 (accept) and MSH-16 (application), HL7 table 0155.</summary>
public enum AckCondition
{
    /// <summary>AL: always.</summary>
    Always,
    /// <summary>NE: never.</summary>
    Never,
    /// <summary>ER: only for an error or reject.</summary>
    ErrorOnly,
    /// <summary>SU: only on success.</summary>
    SuccessOnly,
}

/// <summary>
/// The acknowledgment mode a message asks for (HL7 v2.5.1 section 2.9). Original mode (MSH-15 and MSH-16 both
/// empty): one application ACK, AA/AE/AR. Enhanced mode (either one set): an accept ACK CA/CE/CR once the
/// message is safely stored, as MSH-15 asks, and an application ACK AA/AE/AR once processed, as MSH-16 asks;
/// an empty one of the two means AL. Both go back on the connection the message came in on.
/// </summary>
public sealed record AcknowledgmentMode(bool Enhanced, AckCondition Accept, AckCondition Application)
{
    public static readonly AcknowledgmentMode Original = new(false, AckCondition.Never, AckCondition.Always);

    /// <summary>The mode <paramref name="message"/> asks for; an unknown MSH-15/16 code reads as AL (<see cref="HeaderCheck"/> refuses it).</summary>
    public static AcknowledgmentMode Of(Er7Message message)
    {
        var accept = message.Get("MSH-15");
        var application = message.Get("MSH-16");
        if (accept is null && application is null) return Original;
        return new(true, Condition(accept) ?? AckCondition.Always, Condition(application) ?? AckCondition.Always);
    }

    /// <summary>The table 0155 condition a code names, or null for an empty or unknown code.</summary>
    public static AckCondition? Condition(string? code) => code?.ToUpperInvariant() switch
    {
        "AL" => AckCondition.Always,
        "NE" => AckCondition.Never,
        "ER" => AckCondition.ErrorOnly,
        "SU" => AckCondition.SuccessOnly,
        _ => null,
    };

    public bool SendsAccept(AckCode code) => Enhanced && Sends(Accept, code is AckCode.CA);

    public bool SendsApplication(AckCode code) => Sends(Application, code is AckCode.AA);

    /// <summary>How this mode refuses a message for its header: CR at accept level, or AR.</summary>
    public AckCode Reject => Enhanced ? AckCode.CR : AckCode.AR;

    private static bool Sends(AckCondition condition, bool success) => condition switch
    {
        AckCondition.Always => true,
        AckCondition.ErrorOnly => !success,
        AckCondition.SuccessOnly => success,
        _ => false,
    };
}
