namespace FhirPractice.Billing.CodeSets;

/// <summary>
/// One code of a code-set release: its display (the long description), the short description where the file has
/// one, whether it may be billed (ICD-10-CM: a leaf of the order file; a header may not), and, for HCPCS, the dates
/// the code is in effect (inclusive; none = the whole release).
/// </summary>
public sealed record CodeSetEntry(string Code, string Display, string? ShortDisplay, bool Billable, DateOnly? Effective = null, DateOnly? Terminated = null)
{
    public bool InEffectOn(DateOnly date) => (Effective is not { } from || date >= from) && (Terminated is not { } to || date <= to);
}

/// <summary>A code set's release for one fiscal year, as imported from a file or read back from its stored CodeSystem.</summary>
/// <param name="SourceHash">The SHA-256 of the file it came from, so importing the same file twice writes nothing.</param>
public sealed record CodeSetRelease(string System, int FiscalYear, IReadOnlyList<CodeSetEntry> Entries, string SourceHash);
