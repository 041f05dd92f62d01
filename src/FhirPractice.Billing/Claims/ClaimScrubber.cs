using System.Text.RegularExpressions;
using FhirPractice.Billing.CodeSets;
using Hl7.Fhir.Model;
using Issue = Hl7.Fhir.Model.OperationOutcome.IssueComponent;
using IssueType = Hl7.Fhir.Model.OperationOutcome.IssueType;
using Severity = Hl7.Fhir.Model.OperationOutcome.IssueSeverity;

namespace FhirPractice.Billing.Claims;

/// <summary>
/// Checks a claim before it goes out, each finding an OperationOutcome issue whose expression points at the
/// element (on the Claim, or on the resource it refers to): required fields, NPI check digits, TIN and ZIP+4
/// formats, ICD-10-CM codes valid and billable on the date of service, 1–4 diagnosis pointers per line,
/// procedure codes valid on the date (HCPCS, and CPT once a licensed release is loaded; before, by format) and modifier
/// formats, duplicates, timely filing, and the payer's own rules from configuration.
/// </summary>
public sealed partial class ClaimScrubber(CodeSetCatalog codeSets, BillingOptions options, TimeProvider clock)
{
    /// <param name="duplicateOf">The id of a submitted claim with this fingerprint, if any.</param>
    public List<Issue> Scrub(ClaimPackage p, string? duplicateOf)
    {
        var issues = new List<Issue>();
        var claim = p.Claim;
        void Error(IssueType type, string message, params string[] where) => issues.Add(new Issue
        {
            Severity = Severity.Error, Code = type, Diagnostics = message, Expression = where,
        });

        var number = claim.ClaimNumber();
        if (number is null) Error(IssueType.Required, "The claim has no claim number (identifier with system " + BillingSystems.ClaimNumber + ")", "Claim.identifier");
        else if (!ClaimNumberFormat().IsMatch(number)) Error(IssueType.Value, $"Claim number '{number}' must be 1–20 letters, digits or dashes (CLM01)", "Claim.identifier");
        if (claim.Diagnosis.Count == 0) Error(IssueType.Required, "The claim has no diagnosis", "Claim.diagnosis");
        if (claim.Diagnosis.Count > 12) Error(IssueType.Value, $"The claim has {claim.Diagnosis.Count} diagnoses; an 837P carries at most 12", "Claim.diagnosis");
        if (claim.Item.Count == 0) Error(IssueType.Required, "The claim has no service line", "Claim.item");

        Provider(p.BillingProvider, Error);
        if (p.Rendering is { } rendering && !Npi.IsValid(ClaimFacts.Npi(rendering.Identifier)))
            Error(IssueType.Value, $"Rendering provider NPI '{ClaimFacts.Npi(rendering.Identifier)}' fails the check digit (Luhn with prefix 80840)",
                "Claim.careTeam[0].provider", $"Practitioner.identifier.where(system='{BillingSystems.Npi}').value");
        var rules = options.RulesFor(p.Payer.PayerId());
        if (rules.RequireRenderingProvider && p.Rendering is null)
            Error(IssueType.Required, "This payer requires a rendering provider", "Claim.careTeam");
        Subscriber(p, Error);

        var firstDate = claim.Item.Select(i => i.ServiceDate()).Where(d => d is not null).Min();
        Diagnoses(claim, firstDate, Error);
        Lines(claim, rules, Error);

        if (firstDate is { } dos)
        {
            var days = options.TimelyFilingDaysFor(p.Payer.PayerId());
            if (clock.GetUtcNow().UtcDateTime.Date > dos.AddDays(days))
                Error(IssueType.BusinessRule, $"Past timely filing: service on {dos:yyyy-MM-dd}, the payer accepts claims for {days} days", "Claim.item[0].servicedDate");
        }
        if (claim.FrequencyCode() != "1" && claim.Prior()?.Reference?.Value is null)
            Error(IssueType.Required, "A corrected or void claim needs the payer's original claim number (related.reference)", "Claim.related[0].reference");
        if (duplicateOf is not null && duplicateOf != claim.Id && !(claim.Prior()?.Claim?.Reference?.EndsWith("Claim/" + duplicateOf) ?? false))
            Error(IssueType.Duplicate, $"Duplicate of Claim/{duplicateOf}: same patient, dates of service and procedures", "Claim");
        return issues;
    }

    private static void Provider(Organization provider, Action<IssueType, string, string[]> error)
    {
        var npi = ClaimFacts.Npi(provider.Identifier);
        if (npi is null) error(IssueType.Required, "The billing provider has no NPI", ["Claim.provider", "Organization.identifier"]);
        else if (!Npi.IsValid(npi))
            error(IssueType.Value, $"Billing provider NPI '{npi}' fails the check digit (Luhn with prefix 80840)",
                ["Claim.provider", $"Organization.identifier.where(system='{BillingSystems.Npi}').value"]);
        var tin = ClaimFacts.Identifier(provider.Identifier, BillingSystems.Tin);
        if (tin is null || !TinFormat().IsMatch(tin))
            error(tin is null ? IssueType.Required : IssueType.Value, $"Billing provider TIN '{tin}' must be nine digits (NN-NNNNNNN)",
                ["Claim.provider", $"Organization.identifier.where(system='{BillingSystems.Tin}').value"]);
        var zip = provider.Address.FirstOrDefault()?.PostalCode;
        if (zip is null || !ZipPlus4().IsMatch(zip))
            error(IssueType.Value, $"Billing provider ZIP '{zip}' must be ZIP+4 (NNNNN-NNNN)", ["Claim.provider", "Organization.address[0].postalCode"]);
    }

    private static void Subscriber(ClaimPackage p, Action<IssueType, string, string[]> error)
    {
        if (string.IsNullOrWhiteSpace(p.Coverage.SubscriberId))
            error(IssueType.Required, "The coverage has no subscriber id (member id)", ["Claim.insurance[0].coverage", "Coverage.subscriberId"]);
        if (p.Coverage.Relationship() != "self" && p.Subscriber is null)
            error(IssueType.Required, "The subscriber is not the patient, and the coverage names no subscriber", ["Claim.insurance[0].coverage", "Coverage.subscriber"]);
        if (p.Payer.PayerId() is null)
            error(IssueType.Required, "The payer has no payer id", ["Claim.insurance[0].coverage", $"Organization.identifier.where(system='{BillingSystems.PayerId}')"]);
    }

    private void Diagnoses(Claim claim, DateTime? dateOfService, Action<IssueType, string, string[]> error)
    {
        for (var i = 0; i < claim.Diagnosis.Count; i++)
        {
            var where = $"Claim.diagnosis[{i}].diagnosis";
            var code = claim.Diagnosis[i].DiagnosisCode();
            if (code is null) { error(IssueType.Required, "The diagnosis is not coded in ICD-10-CM", [where]); continue; }
            if (dateOfService is not { } dos) continue;
            switch (codeSets.Check(BillingSystems.Icd10Cm, code, DateOnly.FromDateTime(dos)))
            {
                case CodeStatus.NoRelease:
                    error(IssueType.NotFound, $"No ICD-10-CM release is loaded for fiscal year {FiscalYear.Of(dos)} (date of service {dos:yyyy-MM-dd})", [where]);
                    break;
                case CodeStatus.NotInRelease:
                    error(IssueType.CodeInvalid, $"ICD-10-CM {code} is not valid on {dos:yyyy-MM-dd} (not in the FY{FiscalYear.Of(dos)} release)", [where]);
                    break;
                case CodeStatus.Header:
                    error(IssueType.CodeInvalid, $"ICD-10-CM {code} is a category header, not billable: a more specific code{(NeedsSeventh(code) ? " with a 7th character" : "")} is needed", [where]);
                    break;
            }
        }
    }

    /// <summary>A six-character header (S63.501) is one that takes a 7th character (initial, subsequent encounter, sequela).</summary>
    private static bool NeedsSeventh(string code) => code.Replace(".", "").Length == 6;

    private void Lines(Claim claim, PayerRules rules, Action<IssueType, string, string[]> error)
    {
        if (claim.Item.Count > rules.MaxLines) error(IssueType.BusinessRule, $"The claim has {claim.Item.Count} lines; this payer takes at most {rules.MaxLines}", ["Claim.item"]);
        var sequences = claim.Diagnosis.Select(d => d.Sequence).ToHashSet();
        for (var i = 0; i < claim.Item.Count; i++)
        {
            var item = claim.Item[i];
            var pointers = item.DiagnosisSequence.Select(s => s.Value).ToList();
            if (pointers.Count is < 1 or > 4)
                error(IssueType.Value, $"Line {item.Sequence} has {pointers.Count} diagnosis pointers; an 837P line takes 1 to 4", [$"Claim.item[{i}].diagnosisSequence"]);
            foreach (var pointer in pointers.Where(s => !sequences.Contains(s)))
                error(IssueType.Value, $"Line {item.Sequence} points at diagnosis {pointer}, which the claim does not have", [$"Claim.item[{i}].diagnosisSequence"]);
            var code = item.ProductOrService?.Coding.FirstOrDefault();
            if (code?.Code is null)
                error(IssueType.Required, $"Line {item.Sequence} has no procedure code", [$"Claim.item[{i}].productOrService"]);
            else if (!(code.System == BillingSystems.Hcpcs ? HcpcsFormat() : CptFormat()).IsMatch(code.Code))
                error(IssueType.CodeInvalid, $"Line {item.Sequence}: '{code.Code}' is not a {(code.System == BillingSystems.Hcpcs ? "HCPCS Level II" : "CPT")} code", [$"Claim.item[{i}].productOrService"]);
            else if (item.ServiceDate() is { } dos && ProcedureFinding(code, DateOnly.FromDateTime(dos)) is { } finding)
                error(IssueType.CodeInvalid, $"Line {item.Sequence}: {finding}", [$"Claim.item[{i}].productOrService"]);
            else if (rules.NonCoveredCodes.Contains(code.Code))
                error(IssueType.BusinessRule, $"Line {item.Sequence}: this payer does not cover {code.Code}", [$"Claim.item[{i}].productOrService"]);
            if (item.Modifier.Count > 4) error(IssueType.Value, $"Line {item.Sequence} has {item.Modifier.Count} modifiers; at most 4", [$"Claim.item[{i}].modifier"]);
            for (var m = 0; m < item.Modifier.Count; m++)
                if (item.Modifier[m].Coding.FirstOrDefault()?.Code is not { } modifier || !ModifierFormat().IsMatch(modifier))
                    error(IssueType.CodeInvalid, $"Line {item.Sequence}: modifier '{item.Modifier[m].Coding.FirstOrDefault()?.Code}' must be two letters or digits", [$"Claim.item[{i}].modifier[{m}]"]);
            if (item.ServiceDate() is null) error(IssueType.Required, $"Line {item.Sequence} has no date of service", [$"Claim.item[{i}].serviced"]);
            if (item.Charge() <= 0m) error(IssueType.Value, $"Line {item.Sequence} has no charge", [$"Claim.item[{i}].net"]);
        }
    }

    /// <summary>What is wrong with a well-formed procedure code on the date of service, by the loaded HCPCS or CPT release.</summary>
    private string? ProcedureFinding(Coding code, DateOnly dos)
    {
        var (system, name) = code.System == BillingSystems.Hcpcs ? (BillingSystems.Hcpcs, "HCPCS") : (BillingSystems.Cpt, "CPT");
        return codeSets.Check(system, code.Code!, dos) switch
        {
            CodeStatus.NotInRelease => $"{name} {code.Code} is not valid on {dos:yyyy-MM-dd} (not in the FY{FiscalYear.Of(dos)} release)",
            CodeStatus.NotInEffect => $"{name} {code.Code} is not in effect on {dos:yyyy-MM-dd}",
            CodeStatus.NoRelease => $"No {name} release is loaded for fiscal year {FiscalYear.Of(dos)} (date of service {dos:yyyy-MM-dd})",
            _ => null,
        };
    }

    [GeneratedRegex(@"^[A-Za-z0-9-]{1,20}$")] private static partial Regex ClaimNumberFormat();
    [GeneratedRegex(@"^\d{2}-?\d{7}$")] private static partial Regex TinFormat();
    [GeneratedRegex(@"^\d{5}-?\d{4}$")] private static partial Regex ZipPlus4();
    // CPT: five digits (Category I), four digits and F or T (Categories II and III).
    [GeneratedRegex(@"^(\d{5}|\d{4}[FT])$")] private static partial Regex CptFormat();
    [GeneratedRegex(@"^[A-V]\d{4}$")] private static partial Regex HcpcsFormat();
    [GeneratedRegex(@"^[A-Z0-9]{2}$")] private static partial Regex ModifierFormat();
}
