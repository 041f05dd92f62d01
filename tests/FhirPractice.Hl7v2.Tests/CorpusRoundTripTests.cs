using FhirPractice.Fhir.Tests;
using FhirPractice.Hl7v2.Er7;

namespace FhirPractice.Hl7v2.Tests;

/// <summary>
/// Every real message in the shared corpus (v2.3 to v2.8, LF terminated, some with a BOM) parses, has its
/// type and control id, and encodes back to the same bytes. "Same bytes" means: the input with a leading
/// UTF-8 BOM removed, every line ending (CR, LF or CRLF) written as CR, empty lines left out and a CR after
/// the last segment; nothing inside a segment changes, trailing spaces included.
/// </summary>
public class CorpusRoundTripTests
{
    private const string Folder = "hl7v2-ms-fhir-converter/messages";

    public static TheoryData<string> Messages()
    {
        var data = new TheoryData<string>();
        if (Corpus.Find(Folder) is { } folder)
            foreach (var file in Directory.GetFiles(folder, "*.hl7").Order()) data.Add(Path.GetFileName(file));
        return data;
    }

    [CorpusTheory(Folder)]
    [MemberData(nameof(Messages))]
    public void Message_parses_and_round_trips(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Corpus.Find(Folder)!, file));

        var message = Er7Parser.Parse(bytes);

        Assert.False(string.IsNullOrEmpty(message.Get("MSH-9-1")), "MSH-9 message type");
        Assert.False(string.IsNullOrEmpty(message.Get("MSH-10")), "MSH-10 control id");
        Assert.Equal(NormaliseSegmentTerminators(bytes), message.EncodeBytes());
    }

    [CorpusFact(Folder)]
    public void The_corpus_is_all_there() =>
        Assert.Equal(139, Messages().Count);

    // Written on bytes, independently of the parser, so the test checks the parser rather than repeating it.
    private static byte[] NormaliseSegmentTerminators(byte[] input)
    {
        var start = input is [0xEF, 0xBB, 0xBF, ..] ? 3 : 0;
        var output = new List<byte>(input.Length + 1);
        var lineLength = 0;
        for (var i = start; i < input.Length; i++)
        {
            if (input[i] is (byte)'\r' or (byte)'\n')
            {
                if (lineLength > 0) output.Add((byte)'\r');
                lineLength = 0;
                continue;
            }
            output.Add(input[i]);
            lineLength++;
        }
        if (lineLength > 0) output.Add((byte)'\r');
        return output.ToArray();
    }
}
