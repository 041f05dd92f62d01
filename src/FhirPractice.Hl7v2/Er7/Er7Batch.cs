using System.Text;

namespace FhirPractice.Hl7v2.Er7;

/// <summary>
/// A batch: messages optionally wrapped in a file (FHS … FTS) and a batch (BHS … BTS) envelope. One batch
/// per file is supported, which is what senders of lab results and immunisations use. Messages without
/// any envelope (MSH after MSH) also read as a batch.
/// </summary>
public sealed class Er7Batch(Delimiters delimiters)
{
    /// <summary>The delimiters of the envelope segments (from FHS, else BHS, else the first message).</summary>
    public Delimiters Delimiters { get; } = delimiters;

    public Segment? FileHeader { get; set; }

    public Segment? BatchHeader { get; set; }

    public List<Er7Message> Messages { get; } = [];

    public Segment? BatchTrailer { get; set; }

    public Segment? FileTrailer { get; set; }

    /// <summary>The batch as ER7 text, every segment terminated by a CR.</summary>
    public string Encode()
    {
        var text = new StringBuilder();
        if (FileHeader is not null) Er7Encoder.WriteSegment(text, FileHeader, Delimiters);
        if (BatchHeader is not null) Er7Encoder.WriteSegment(text, BatchHeader, Delimiters);
        foreach (var message in Messages) text.Append(message.Encode());
        if (BatchTrailer is not null) Er7Encoder.WriteSegment(text, BatchTrailer, Delimiters);
        if (FileTrailer is not null) Er7Encoder.WriteSegment(text, FileTrailer, Delimiters);
        return text.ToString();
    }
}
