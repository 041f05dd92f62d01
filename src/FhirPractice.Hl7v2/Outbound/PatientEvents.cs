namespace FhirPractice.Hl7v2.Outbound;

/// <summary>
/// Which ADT triggers a destination receives for Patient writes (<see cref="OutboundDestination.PatientEvents"/>), as
/// EHRs differ in what they expect of a practice system:
/// <list type="bullet">
/// <item><c>A08</c> (default): update patient information for every version; a deletion sends nothing.</item>
/// <item><c>A04</c>: register a patient for a new patient (the first version, or the first after a deletion), A08 after
/// that; a deletion sends nothing.</item>
/// <item><c>A28</c>: the person-information family — add person (A28) for a new patient, update person (A31) after
/// that, delete person (A29, with the patient as it was) for a deletion.</item>
/// </list>
/// In every style a version that newly says which patient it was merged into (<c>link</c> replaced-by) is an A40, about
/// the surviving patient with the merged one in MRG (<see cref="OutboundMessageBuilder"/>).
/// </summary>
public static class PatientEvents
{
    public const string Updates = "A08";
    public const string Registration = "A04";
    public const string PersonInformation = "A28";

    public static readonly string[] All = [Updates, Registration, PersonInformation];

    /// <summary>Whether a deletion is sent: only as A29 of the person-information family.</summary>
    public static bool SendsDeletions(string style) => style == PersonInformation;

    /// <summary>The trigger and message structure for a version, by whether it is new (no live version before it) or a deletion; null when none is sent.</summary>
    public static (string Trigger, string Structure)? For(string style, bool isNew, bool deleted) => (style, isNew, deleted) switch
    {
        (PersonInformation, _, true) => ("A29", "ADT_A21"),
        (PersonInformation, true, _) => ("A28", "ADT_A05"),
        (PersonInformation, false, _) => ("A31", "ADT_A05"),
        (_, _, true) => null,
        (Registration, true, _) => ("A04", "ADT_A01"),
        _ => ("A08", "ADT_A01"),
    };
}
