using System.Text.Json;

namespace FhirPractice.Billing.Ledger;

/// <summary>
/// One posting of the A/R ledger, kept in module state (kind <see cref="LedgerKeys.Entry"/>): what happened (<see cref="Kind"/>),
/// on which day, to whose balance, for which claim line, from which resource. Amounts are positive; the kind says which
/// way they move the payer's and the patient's share (<see cref="PayerShare"/>, <see cref="PatientShare"/>).
/// </summary>
public sealed record LedgerEntry(string Date, string Kind, string Patient, string? Payer, string? Claim, int? Line, decimal Amount, string Source)
{
    public const string Charge = "charge";
    public const string PayerPayment = "payer-payment";
    public const string ContractualAdjustment = "contractual-adjustment";
    public const string PatientResponsibility = "patient-responsibility";
    public const string PatientPayment = "patient-payment";
    public const string WriteOff = "write-off";

    public DateOnly Day => DateOnly.ParseExact(Date, "yyyy-MM-dd");

    /// <summary>What this posting adds to what the payer owes: a charge is billed to the payer, everything the payer settles comes off.</summary>
    public decimal PayerShare => Kind switch
    {
        Charge => Amount,
        PayerPayment or ContractualAdjustment or WriteOff or PatientResponsibility => -Amount,
        _ => 0m,
    };

    /// <summary>What this posting adds to what the patient owes: responsibility moves over from the payer, payments come off.</summary>
    public decimal PatientShare => Kind switch
    {
        PatientResponsibility => Amount,
        PatientPayment => -Amount,
        _ => 0m,
    };
}

/// <summary>The module-state kinds and keys of the ledger and the work queues.</summary>
public static class LedgerKeys
{
    /// <summary>Ledger entries, keyed "{patient}|{source}|{n}", so one patient's entries are one key range.</summary>
    public const string Entry = "billing.ledger";
    /// <summary>Per resource, the ledger and work-queue keys it posted (a new version replaces them).</summary>
    public const string Source = "billing.posting-source";
    /// <summary>Work items, keyed "{queue}|{source}|{n}".</summary>
    public const string WorkItem = "billing.work-queue";
    /// <summary>Per 835 payment (payer id and trace number), the PaymentReconciliation that posted it.</summary>
    public const string Trace = "billing.remittance-trace";

    public static string EntryKey(string patient, string source, int n) => $"{patient}|{source}|{n:D4}";
    public static string WorkItemKey(string queue, string source, int n) => $"{queue}|{source}|{n:D4}";

    private static readonly JsonSerializerOptions Json = new() { DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull };
    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Json);
    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Json)!;
}
