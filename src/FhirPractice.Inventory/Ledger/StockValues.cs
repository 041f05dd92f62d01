using System.Text.Json;
using System.Text.Json.Serialization;

namespace FhirPractice.Inventory.Ledger;

/// <summary>One ledger line: the change, the bucket's balance after it, the event and its kind.</summary>
public sealed record LineValue(decimal Q, decimal B, string E, string K, long T);

/// <summary>A bucket's balance now (all its lines).</summary>
public sealed record OnHandValue(decimal Q);

/// <summary>What a lot's receipt said about it.</summary>
public sealed record LotValue(DateOnly? Expiry);

/// <summary>The entries an event wrote, so that its next version (or deletion) can take them back.</summary>
public sealed record EventValue(IReadOnlyList<string> Lines, string? Recall, string? Receipt);

/// <summary>Who received a lot (the recall index).</summary>
public sealed record RecallValue(string Patient, string Item, string Lot, string Location, decimal Q, DateTimeOffset Time, string Event);

/// <summary>A receipt, for FIFO valuation.</summary>
public sealed record ReceiptValue(decimal Q, decimal? Cost, string Event);

/// <summary>JSON of the state values: small, camel-case free, nulls left out. The ledger reads and writes a dozen per
/// movement on the store's single writer, so their converters are generated at build time instead of reflected.</summary>
public static class StateJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        TypeInfoResolver = StateJsonContext.Default,
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Read<T>(string json) => JsonSerializer.Deserialize<T>(json, Options)!;
}

[JsonSerializable(typeof(LineValue))]
[JsonSerializable(typeof(OnHandValue))]
[JsonSerializable(typeof(LotValue))]
[JsonSerializable(typeof(EventValue))]
[JsonSerializable(typeof(RecallValue))]
[JsonSerializable(typeof(ReceiptValue))]
[JsonSerializable(typeof(Levels.WatchValue))]
[JsonSerializable(typeof(Levels.StockLevel))]
[JsonSerializable(typeof(FollowUps.FollowUp))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
