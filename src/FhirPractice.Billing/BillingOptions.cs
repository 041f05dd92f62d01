namespace FhirPractice.Billing;

/// <summary>Configuration of the billing module (section FhirPractice:Billing).</summary>
public sealed class BillingOptions
{
    /// <summary>Where submitted 837P files are written and where 999/277CA/835 files are picked up by the clearinghouse exchange.</summary>
    public string DropFolder { get; set; } = "./data/x12";
    /// <summary>Code-set files imported at start (ICD-10-CM order files, HCPCS quarterly files, the practice's CPT file), beside the built-in seed.</summary>
    public string? CodeSetsFolder { get; set; }
    /// <summary>1000A submitter: name, electronic transmitter id (ETIN) and contact.</summary>
    public string SubmitterName { get; set; } = "FHIRPRACTICE";
    public string SubmitterId { get; set; } = "FHIRPRACTICE";
    public string SubmitterContact { get; set; } = "BILLING OFFICE";
    public string SubmitterPhone { get; set; } = "0000000000";
    /// <summary>1000B receiver (the clearinghouse).</summary>
    public string ReceiverName { get; set; } = "CLEARINGHOUSE";
    public string ReceiverId { get; set; } = "CLEARINGHOUSE";
    /// <summary>ISA05/ISA07 qualifiers (ZZ: mutually defined).</summary>
    public string SenderQualifier { get; set; } = "ZZ";
    public string ReceiverQualifier { get; set; } = "ZZ";
    /// <summary>ISA15: P for production, else T.</summary>
    public bool Production { get; set; }
    /// <summary>Days after the date of service a claim may still be filed, unless the payer's rules say otherwise.</summary>
    public int TimelyFilingDays { get; set; } = 365;
    /// <summary>Days after a denial an appeal may be filed, unless the payer's rules say otherwise.</summary>
    public int AppealDays { get; set; } = 180;
    /// <summary>How often the drop folder's inbound folder is looked at for 835, 999 and 277CA files.</summary>
    public TimeSpan InboundPollInterval { get; set; } = TimeSpan.FromSeconds(30);
    /// <summary>Payer-specific rules, keyed by payer id (the payer Organization's <see cref="BillingSystems.PayerId"/> identifier).</summary>
    public Dictionary<string, PayerRules> Payers { get; set; } = [];

    public PayerRules RulesFor(string? payerId) => payerId is not null && Payers.TryGetValue(payerId, out var rules) ? rules : new PayerRules();
    public int TimelyFilingDaysFor(string? payerId) => RulesFor(payerId).TimelyFilingDays ?? TimelyFilingDays;
    public int AppealDaysFor(string? payerId) => RulesFor(payerId).AppealDays ?? AppealDays;
}

/// <summary>What one payer asks beyond the guide, kept as data: scrubbing reads it, no payer is a branch in code.</summary>
public sealed class PayerRules
{
    public int? TimelyFilingDays { get; set; }
    public int? AppealDays { get; set; }
    /// <summary>SBR09 claim filing indicator (CI commercial, MB Medicare part B, MC Medicaid, BL Blue Cross…).</summary>
    public string FilingIndicator { get; set; } = "CI";
    /// <summary>Every claim needs a rendering provider (2310B).</summary>
    public bool RequireRenderingProvider { get; set; }
    /// <summary>Most service lines on one claim (the guide allows 50).</summary>
    public int MaxLines { get; set; } = 50;
    /// <summary>Procedure codes this payer does not pay, refused before submission.</summary>
    public List<string> NonCoveredCodes { get; set; } = [];
}
