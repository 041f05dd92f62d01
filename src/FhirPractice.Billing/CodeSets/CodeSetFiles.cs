using System.Security.Cryptography;

namespace FhirPractice.Billing.CodeSets;

/// <summary>
/// The code-set files the importer knows, told apart by name: <c>icd10cm_order_YYYY.txt</c> (ICD-10-CM, fiscal year
/// YYYY), <c>HCPC20xx_MON_ANWEB….txt</c> (HCPCS Level II, the fiscal year of the quarter), <c>cpt_YYYY.csv</c> (the
/// practice's licensed CPT descriptors). A bad line fails the whole file, naming the file and the line.
/// </summary>
public static class CodeSetFiles
{
    /// <summary>The code system and fiscal year a file name stands for, or null for a file that is no code set.</summary>
    public static (string System, int FiscalYear)? Recognize(string fileName) =>
        Icd10CmOrderFile.FiscalYearOf(fileName) is { } icd ? (BillingSystems.Icd10Cm, icd)
        : HcpcsFile.FiscalYearOf(fileName) is { } hcpcs ? (BillingSystems.Hcpcs, hcpcs)
        : CptFile.FiscalYearOf(fileName) is { } cpt ? (BillingSystems.Cpt, cpt)
        : null;

    public static CodeSetRelease Read(string fileName, Stream content)
    {
        if (Recognize(fileName) is not var (system, year)) throw new FormatException($"{fileName}: not a code-set file name (icd10cm_order_YYYY.txt, HCPC20xx_MON_ANWEB….txt, cpt_YYYY.csv)");
        using var buffer = new MemoryStream();
        content.CopyTo(buffer);
        var hash = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(buffer.GetBuffer().AsSpan(0, (int)buffer.Length)));
        buffer.Position = 0;
        using var reader = new StreamReader(buffer);
        try
        {
            var entries = system switch
            {
                BillingSystems.Icd10Cm => Icd10CmOrderFile.Read(reader).ToList(),
                BillingSystems.Hcpcs => HcpcsFile.Read(reader).ToList(),
                _ => CptFile.Read(reader).ToList(),
            };
            return new CodeSetRelease(system, year, entries, hash);
        }
        catch (FormatException e)
        {
            throw new FormatException($"{Path.GetFileName(fileName)}, {e.Message}", e);
        }
    }

    /// <summary>The team's seed (embedded) and then the files of the configured folder, which replace the seed's release of the same system and year.</summary>
    public static IEnumerable<CodeSetRelease> Available(string? folder)
    {
        var assembly = typeof(CodeSetFiles).Assembly;
        foreach (var name in assembly.GetManifestResourceNames().Where(n => Recognize(n) is not null).Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(name)!;
            yield return Read(name, stream);
        }
        if (folder is null || !Directory.Exists(folder)) yield break;
        foreach (var file in Directory.EnumerateFiles(folder).Where(f => Recognize(f) is not null)
                     .OrderBy(f => HcpcsFile.QuarterOf(f) ?? DateOnly.MinValue).ThenBy(f => f, StringComparer.Ordinal))
        {
            using var stream = File.OpenRead(file);
            yield return Read(file, stream);
        }
    }
}
