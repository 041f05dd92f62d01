namespace FhirPractice.Inventory.Ledger;

/// <summary>
/// The module-state kinds and keys of the stock ledger. Parts of a key are joined by U+001F, which sorts below
/// every character a part may hold, so "all keys starting with these parts" is one key range.
/// Ledger lines sort newest first within their bucket (time and sequence stored inverted), because the store
/// scans in ascending order only: the balance as of an instant is then the first line at or after its key.
/// </summary>
public static class StockKeys
{
    public const string Line = "inventory.ledger";
    public const string OnHand = "inventory.on-hand";
    public const string Lot = "inventory.lot";
    public const string Event = "inventory.event";
    public const string Recall = "inventory.recall";
    public const string Receipt = "inventory.receipt";
    public const string Sequence = "inventory.sequence";
    public const string Level = "inventory.level";
    public const string LevelSource = "inventory.level-source";
    public const string Watch = "inventory.watch";
    public const string FollowUp = "inventory.follow-up";
    public const string ExpiryAlerted = "inventory.expiry-alerted";

    public const char Separator = '\u001f';

    public static string Join(params string[] parts) => string.Join(Separator, parts);

    /// <summary>The prefix of every key that starts with these parts (ends with the separator).</summary>
    public static string Prefix(params string[] parts) => Join(parts) + Separator;

    /// <summary>The end (exclusive) of the range of keys starting with <paramref name="prefix"/>.</summary>
    public static string PrefixEnd(string prefix) => prefix[..^1] + (char)(Separator + 1);

    public static Fhir.Storage.StateRange Range(string kind, string prefix, int limit = 1000) => new(kind, prefix, PrefixEnd(prefix), limit);

    /// <summary>A bucket: one lot of one item at one location.</summary>
    public static string Bucket(string item, string location, string lot) => Join(item, location, lot);

    public static string LineKey(string bucket, long ticks, long sequence) =>
        Join(bucket, Inverted(ticks), Inverted(sequence));

    /// <summary>The first key of the bucket's lines at or before <paramref name="ticks"/>.</summary>
    public static string AtOrBefore(string bucket, long ticks) => Join(bucket, Inverted(ticks));

    private static string Inverted(long value) => (long.MaxValue - value).ToString("D19");

    public static long Ticks(DateTimeOffset time) => time.UtcTicks;

    public static string Sortable(long value) => value.ToString("D19");

    public static string[] Split(string key) => key.Split(Separator);
}
