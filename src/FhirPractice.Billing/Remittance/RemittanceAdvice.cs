namespace FhirPractice.Billing.Remittance;

/// <summary>
/// One 835 transaction set as read: the payment (BPR, TRN, the payer and payee of 1000A/1000B), the claims paid
/// (2100 CLP with its 2110 service lines) and the provider-level adjustments (PLB). Amounts are decimal as sent.
/// </summary>
public sealed record RemittanceAdvice(
    string TraceNumber,
    string PayerTraceId,
    string PaymentMethod,
    decimal PaymentAmount,
    DateOnly PaymentDate,
    string PayerName,
    string? PayerId,
    string PayeeName,
    string? PayeeNpi,
    IReadOnlyList<ClaimPayment> Claims,
    IReadOnlyList<ProviderAdjustment> ProviderAdjustments)
{
    /// <summary>What identifies a payment across files: the payer's id (TRN03) and its trace number (TRN02).</summary>
    public string TraceKey => $"{PayerTraceId}|{TraceNumber}";
}

/// <summary>A CLP: our claim number (CLP01), the payer's status (CLP02: 1 primary … 4 denied, 22 reversal), the amounts and its lines.</summary>
public sealed record ClaimPayment(
    string ClaimNumber,
    string Status,
    decimal Charge,
    decimal Paid,
    decimal PatientResponsibility,
    string? PayerClaimNumber,
    IReadOnlyList<CasAdjustment> Adjustments,
    IReadOnlyList<string> Remarks,
    IReadOnlyList<ServicePayment> Lines,
    int Position)
{
    public bool Denied => Status == "4";
}

/// <summary>An SVC with its line control number (REF*6R), what it was billed and paid, its adjustments (CAS) and remarks (LQ*HE).</summary>
public sealed record ServicePayment(
    string? LineControlNumber,
    string Procedure,
    IReadOnlyList<string> Modifiers,
    decimal Charge,
    decimal Paid,
    decimal Units,
    DateOnly? ServiceDate,
    IReadOnlyList<CasAdjustment> Adjustments,
    IReadOnlyList<string> Remarks,
    int Position);

/// <summary>One adjustment of a CAS: the group (CO contractual obligation, PR patient responsibility, OA other, PI payer initiated) and the CARC.</summary>
public sealed record CasAdjustment(string Group, string Reason, decimal Amount)
{
    public string Code => $"{Group}-{Reason}";
}

/// <summary>A PLB adjustment: its reason (PLB03-1, e.g. WO overpayment recovery, L6 interest), reference (PLB03-2) and amount (positive reduces the payment).</summary>
public sealed record ProviderAdjustment(string Reason, string? Reference, decimal Amount, DateOnly FiscalPeriod);
