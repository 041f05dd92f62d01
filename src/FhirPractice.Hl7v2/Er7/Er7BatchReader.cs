namespace FhirPractice.Hl7v2.Er7;

/// <summary>
/// Groups the lines of a batch into its envelope segments and messages: FHS? BHS? (MSH …)* BTS? FTS?,
/// each message running from its MSH to the next MSH or envelope segment.
/// </summary>
internal static class Er7BatchReader
{
    public static Er7Batch Read(List<string> lines)
    {
        if (lines.Count == 0) throw new Er7ParseException("no segments: the input is empty", 0, null);

        var firstId = IdAt(lines, 0);
        var delimiters = Segment.IsHeaderId(firstId)
            ? Delimiters.ReadFromHeader(lines[0], 1)
            : throw new Er7ParseException("a batch must begin with FHS, BHS or MSH", 1, firstId);
        var batch = new Er7Batch(delimiters);

        var i = 0;
        if (IdAt(lines, i) == "FHS") batch.FileHeader = Er7Parser.ParseSegment(lines[i], ++i, delimiters);
        if (IdAt(lines, i) == "BHS") batch.BatchHeader = Er7Parser.ParseSegment(lines[i], ++i, delimiters);

        while (IdAt(lines, i) == "MSH")
        {
            var end = i + 1;
            while (end < lines.Count && IdAt(lines, end) is not ("MSH" or "BTS" or "FTS" or "BHS" or "FHS")) end++;
            batch.Messages.Add(Er7Parser.ParseMessage(lines, i, end - i));
            i = end;
        }

        if (IdAt(lines, i) == "BTS") batch.BatchTrailer = Er7Parser.ParseSegment(lines[i], ++i, delimiters);
        if (IdAt(lines, i) == "FTS") batch.FileTrailer = Er7Parser.ParseSegment(lines[i], ++i, delimiters);
        if (i < lines.Count)
        {
            var id = IdAt(lines, i);
            var reason = id == "BHS"
                ? "a second batch in one file is not supported"
                : "segment out of place: a batch is FHS? BHS? messages BTS? FTS?";
            throw new Er7ParseException(reason, i + 1, id);
        }
        return batch;
    }

    private static string? IdAt(List<string> lines, int i) =>
        i >= lines.Count ? null : lines[i].Length >= 3 ? lines[i][..3] : lines[i];
}
