using FhirPractice.Fhir;
using FhirPractice.Fhir.Rest;
using FhirPractice.Fhir.Tests;
using FhirPractice.Hl7v2.Er7;
using FhirPractice.Hl7v2.Mapping;

namespace FhirPractice.Hl7v2.Tests.Mapping;

/// <summary>
/// Bad values where good ones were: in each corpus message, every field of every segment in turn replaced by a hostile
/// value (which one rotates with the field's place, so every field meets several). Mapping must end in a mapping error
/// (an AE/AR ACK naming the field) or a transaction; a sample of those transactions goes through the real engine, which
/// must accept them or answer 4xx. Never another exception or a 5xx: the bridge would answer those as its own failure.
/// </summary>
public class CorruptedFieldTests
{
    private const string Folder = "hl7v2-ms-fhir-converter/messages";
    private static readonly string[] Hostile =
        ["", "\"\"", "x", "99999999999999999999", "2024-13-45", "20241301", "0000", "^^^", "&&&", "~~~", "-1", "1e309", "SEL", "ÿ\u0001"];

    [CorpusFact(Folder)]
    public async System.Threading.Tasks.Task A_hostile_value_in_any_field_is_a_mapping_error_or_a_4xx_never_a_failure_of_ours()
    {
        var mapper = new V2ToFhirMapper();
        await using var store = new InProcessFhirStore();
        var failures = new List<string>();
        var variant = 0;
        foreach (var file in Directory.GetFiles(Corpus.Find(Folder)!, "*.hl7").Order())
        {
            var segments = File.ReadAllText(file).ReplaceLineEndings("\r").Split('\r', StringSplitOptions.RemoveEmptyEntries);
            for (var at = 1; at < segments.Length; at++)
                for (var field = 1; field < segments[at].Split('|').Length; field++)
                    for (var pass = 0; pass < 1; pass++)
                    {
                        var fields = segments[at].Split('|');
                        fields[field] = Hostile[(variant++ * 5 + pass) % Hostile.Length];
                        var copy = segments.ToArray();
                        copy[at] = string.Join('|', fields);
                        var where = $"{Path.GetFileName(file)}: {fields[0]}-{field} = '{fields[field]}'";
                        Er7Message message;
                        try { message = Er7Parser.Parse(string.Join('\r', copy) + "\r"); }
                        catch (Er7ParseException) { continue; }
                        try
                        {
                            var mapped = await mapper.MapAsync(message, store);
                            if (variant % 32 != 0) continue;
                            var response = await store.Engine.HandleAsync(new FhirRequest("POST", "", [])
                                { ParsedBody = mapped.Transaction, CheckParsedBody = true, SkipUnchangedUpdates = true });
                            if ((int)response.Status >= 500) failures.Add($"{where}: the engine answered {(int)response.Status}");
                        }
                        catch (MappingException) { }
                        catch (FhirError e) when ((int)e.Status < 500) { }
                        catch (Exception e) { failures.Add($"{where}: {e.GetType().Name}: {e.Message}"); }
                    }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(50)));
    }
}
