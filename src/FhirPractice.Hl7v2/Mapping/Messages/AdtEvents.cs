using Hl7.Fhir.Model;
using static FhirPractice.Hl7v2.Mapping.Messages.AdtAction;
using Status = Hl7.Fhir.Model.Encounter.EncounterStatus;

namespace FhirPractice.Hl7v2.Mapping.Messages;

/// <summary>What an ADT trigger does to the FHIR data; <see cref="AdtMapping"/> carries it out.</summary>
internal enum AdtAction
{
    /// <summary>PID → Patient (updated), each PV1 → Encounter with the event's status, NK1, IN1, DG1, PR1, AL1, IAM with them.</summary>
    Visit,

    /// <summary>As <see cref="Visit"/>, then the Patient is made inactive: a deleted person is never erased (A29).</summary>
    PersonDeleted,

    /// <summary>Each PID/MRG pair: the MRG-1 patient is merged into the PID patient (<see cref="MergeMapping"/>).</summary>
    PatientMerge,

    /// <summary>Each PID/MRG pair: the stored patient known by the prior identifier (MRG-1, MRG-4, MRG-2) takes the PID's identifiers.</summary>
    PatientIdentifierChange,

    /// <summary>The two PIDs' patients are updated and linked to each other as <c>seealso</c> (<see cref="LinkMapping"/>, A24).</summary>
    PatientLink,

    /// <summary>The two PIDs' patients are updated and their <c>seealso</c> links to each other removed (<see cref="LinkMapping"/>, A37).</summary>
    PatientUnlink,

    /// <summary>Each PID/MRG pair: the account MRG-3 is merged into the account PID-18; references to it move.</summary>
    AccountMerge,

    /// <summary>Each PID/MRG pair: the account MRG-3 moves from the MRG-1 patient to the PID patient (<see cref="AccountMoveMapping"/>, A44).</summary>
    AccountMove,

    /// <summary>Each MRG/PV1 pair: the visit moves to the PID patient (its Encounter's subject is rewritten).</summary>
    VisitMove,

    /// <summary>Each MRG/PV1 pair: the visit MRG-5 names is merged into the PV1's; references to it move (<see cref="VisitMergeMapping"/>, A42).</summary>
    VisitMerge,

    /// <summary>Each MRG/PV1 pair: the stored visit known by the prior number (MRG-5) takes the PV1's (<see cref="VisitNumberChangeMapping"/>, A50).</summary>
    VisitNumberChange,

    /// <summary>As <see cref="VisitNumberChange"/> for the alternate visit id (MRG-6 → PV1-50, A51).</summary>
    AlternateVisitIdChange,

    /// <summary>NPU: the bed's Location gets NPU-2 as its operational status (A20, no patient).</summary>
    BedStatus,
}

/// <summary>
/// The ADT triggers mapped, and what each does. Encounter statuses follow the IG concept map
/// Event[EncounterStatus] where it has the trigger (A02 in-progress, A03 finished, A05 pre-admit planned,
/// A11 cancel admit cancelled, A13 cancel discharge in-progress) and the trigger's definition elsewhere.
/// A null status takes the one PV1 implies (finished once PV1-45 is valued, planned for class P, else
/// in-progress): A01, A04 and A08 keep the status a visit has — the IG's planned (A04) and unknown (A08)
/// would turn every registration of a patient who is there, and every update, into a visit not under way.
/// Triggers absent here (A43, the patient move…) are refused with code 200.
/// </summary>
internal static class AdtEvents
{
    public static readonly IReadOnlyDictionary<string, (string Meaning, AdtAction Action, Status? Encounter)> ByTrigger =
        new Dictionary<string, (string, AdtAction, Status?)>(StringComparer.Ordinal)
        {
            ["A01"] = ("admit/visit notification", Visit, null),
            ["A02"] = ("transfer a patient (PV1-3 new, PV1-6 prior location)", Visit, Status.InProgress),
            ["A03"] = ("discharge/end visit", Visit, Status.Finished),
            ["A04"] = ("register a patient", Visit, null),
            ["A05"] = ("pre-admit a patient", Visit, Status.Planned),
            ["A06"] = ("change an outpatient to an inpatient (class from PV1-2)", Visit, Status.InProgress),
            ["A07"] = ("change an inpatient to an outpatient (class from PV1-2)", Visit, Status.InProgress),
            ["A08"] = ("update patient information", Visit, null),
            ["A09"] = ("patient departing - tracking", Visit, Status.InProgress),
            ["A10"] = ("patient arriving - tracking", Visit, Status.InProgress),
            ["A11"] = ("cancel admit/visit notification", Visit, Status.Cancelled),
            ["A12"] = ("cancel transfer (PV1-3 is the location again)", Visit, Status.InProgress),
            ["A13"] = ("cancel discharge/end visit (no end)", Visit, Status.InProgress),
            ["A14"] = ("pending admit", Visit, Status.Planned),
            ["A15"] = ("pending transfer (PV1-42 the planned location)", Visit, Status.InProgress),
            ["A16"] = ("pending discharge", Visit, Status.InProgress),
            ["A17"] = ("swap patients (two PID/PV1 groups)", Visit, Status.InProgress),
            ["A18"] = ("merge patient information", PatientMerge, null),
            ["A20"] = ("bed status update", BedStatus, null),
            ["A21"] = ("patient goes on a leave of absence", Visit, Status.Onleave),
            ["A22"] = ("patient returns from a leave of absence", Visit, Status.InProgress),
            ["A23"] = ("delete a patient record (the visit)", Visit, Status.EnteredInError),
            ["A24"] = ("link patient information (two PIDs)", PatientLink, null),
            ["A25"] = ("cancel pending discharge", Visit, Status.InProgress),
            ["A26"] = ("cancel pending transfer", Visit, Status.InProgress),
            ["A27"] = ("cancel pending admit", Visit, Status.Cancelled),
            ["A28"] = ("add person information", Visit, null),
            ["A29"] = ("delete person information (Patient inactive)", PersonDeleted, null),
            ["A30"] = ("merge person information", PatientMerge, null),
            ["A31"] = ("update person information", Visit, null),
            ["A32"] = ("cancel patient arriving - tracking", Visit, Status.InProgress),
            ["A33"] = ("cancel patient departing - tracking", Visit, Status.InProgress),
            ["A34"] = ("merge patient information - patient ID only", PatientMerge, null),
            ["A35"] = ("merge patient information - account number only", AccountMerge, null),
            ["A36"] = ("merge patient information - patient ID and account number", PatientMerge, null),
            ["A37"] = ("unlink patient information (two PIDs)", PatientUnlink, null),
            ["A38"] = ("cancel pre-admit", Visit, Status.Cancelled),
            ["A39"] = ("merge person - patient ID", PatientMerge, null),
            ["A40"] = ("merge patient - patient identifier list", PatientMerge, null),
            ["A41"] = ("merge account - patient account number", AccountMerge, null),
            ["A42"] = ("merge visit - visit number", VisitMerge, null),
            ["A44"] = ("move account information - patient account number", AccountMove, null),
            ["A45"] = ("move visit information - visit number", VisitMove, null),
            ["A46"] = ("change patient ID", PatientIdentifierChange, null),
            ["A47"] = ("change patient identifier list", PatientIdentifierChange, null),
            ["A48"] = ("change alternate patient ID", PatientIdentifierChange, null),
            ["A49"] = ("change patient account number", AccountMerge, null),
            ["A50"] = ("change visit number", VisitNumberChange, null),
            ["A51"] = ("change alternate visit ID", AlternateVisitIdChange, null),
            ["A52"] = ("cancel leave of absence", Visit, Status.InProgress),
            ["A53"] = ("cancel patient returns from a leave of absence", Visit, Status.Onleave),
            ["A54"] = ("change attending doctor", Visit, null),
            ["A55"] = ("cancel change attending doctor", Visit, null),
            ["A60"] = ("update allergy information (IAM)", Visit, null),
            ["A61"] = ("change consulting doctor", Visit, null),
            ["A62"] = ("cancel change consulting doctor", Visit, null),
        };
}
