using FhirPractice.Fhir.Storage;
using static FhirPractice.Inventory.Ledger.StockKeys;

namespace FhirPractice.Inventory.Ledger;

/// <summary>A bucket's balance: an item's lot at a location.</summary>
public sealed record StockBalance(string Item, string Location, string Lot, decimal Quantity, DateOnly? Expiry);

/// <summary>Reads the committed ledger outside write transactions (operations, the sweeper).</summary>
public sealed class StockQueries(IResourceStore store)
{
    /// <summary>Every entry of a key range, page by page.</summary>
    public async IAsyncEnumerable<StateEntry> ScanAsync(string kind, string from, string to, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        while (true)
        {
            var page = await store.ScanStateAsync(new StateRange(kind, from, to, 500), ct);
            foreach (var entry in page) yield return entry;
            if (page.Count < 500) yield break;
            from = page[^1].Key + '\0';
        }
    }

    public IAsyncEnumerable<StateEntry> ScanPrefixAsync(string kind, string prefix, CancellationToken ct = default) =>
        prefix.Length == 0 ? ScanAsync(kind, "", "\uffff", ct) : ScanAsync(kind, prefix, PrefixEnd(prefix), ct);

    /// <summary>The buckets (of an item, at a location, of a lot — each optional) and their balances now.</summary>
    public async Task<IReadOnlyList<StockBalance>> OnHandAsync(string? item, string? location, string? lot, CancellationToken ct)
    {
        var prefix = item is null ? "" : location is null ? Prefix(item) : Prefix(item, location);
        var entries = lot is not null && item is not null && location is not null
            ? ScanAsync(OnHand, Bucket(item, location, lot), Bucket(item, location, lot) + '\0', ct)
            : ScanPrefixAsync(OnHand, prefix, ct);
        var result = new List<StockBalance>();
        await foreach (var entry in entries)
        {
            var parts = Split(entry.Key);
            if ((location is not null && parts[1] != location) || (lot is not null && parts[2] != lot)) continue;
            result.Add(new StockBalance(parts[0], parts[1], parts[2], StateJson.Read<OnHandValue>(entry.Value).Q, await ExpiryAsync(parts[0], parts[2], ct)));
        }
        return result;
    }

    /// <summary>A bucket's balance after every movement at or before <paramref name="at"/>.</summary>
    public async Task<decimal> BalanceAsync(string item, string location, string lot, DateTimeOffset at, CancellationToken ct)
    {
        var bucket = Bucket(item, location, lot);
        var page = await store.ScanStateAsync(new StateRange(Line, AtOrBefore(bucket, Ticks(at)), PrefixEnd(Prefix(bucket)), 1), ct);
        return page is [var line] ? StateJson.Read<LineValue>(line.Value).B : 0m;
    }

    public async Task<DateOnly?> ExpiryAsync(string item, string lot, CancellationToken ct)
    {
        var key = Join(item, lot);
        var page = await store.ScanStateAsync(new StateRange(StockKeys.Lot, key, key + '\0', 1), ct);
        return page is [var entry] ? StateJson.Read<LotValue>(entry.Value).Expiry : null;
    }

    /// <summary>
    /// Lots to take <paramref name="quantity"/> from, first to expire first (lots without expiry last), skipping lots
    /// expired on <paramref name="day"/>; null when the location does not hold that much usable stock.
    /// </summary>
    public async Task<IReadOnlyList<(string Lot, decimal Quantity)>?> FirstExpiringFirstAsync(string item, string location, decimal quantity, DateOnly day, CancellationToken ct)
    {
        var usable = (await OnHandAsync(item, location, null, ct))
            .Where(b => b.Quantity > 0 && !(b.Expiry < day))
            .OrderBy(b => b.Expiry ?? DateOnly.MaxValue).ThenBy(b => b.Lot, StringComparer.Ordinal);
        var plan = new List<(string, decimal)>();
        foreach (var bucket in usable)
        {
            var take = Math.Min(quantity, bucket.Quantity);
            plan.Add((bucket.Lot, take));
            quantity -= take;
            if (quantity == 0) return plan;
        }
        return null;
    }
}
