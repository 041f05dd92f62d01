using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FhirPractice.Fhir.Search;

/// <summary>
/// The opaque <c>_page</c> value of search links: a <see cref="PagePosition"/> with the sort it belongs to,
/// as base64url JSON (<c>{"v":1,"s":"family,-birthdate","b":false,"k":["chalmers",6.3e17],"r":42}</c>) and a
/// truncated HMAC-SHA256 of it. Any node with the same key reads it, also after a restart. The tag makes an edited
/// or forged cursor a clean refusal; a cursor for another <c>_sort</c> is refused too, since its values would not
/// fit the keys.
/// </summary>
public sealed class PageCursor
{
    private const int Version = 1;
    private const int TagBytes = 16;

    /// <summary>Used when no key is configured: cursors are still checked for corruption and edits, but anyone who reads this code can forge one.</summary>
    private static readonly byte[] DefaultKey = "FhirPractice page cursor v1"u8.ToArray();

    private readonly byte[] _key;

    public PageCursor(string? secret = null) =>
        _key = string.IsNullOrEmpty(secret) ? DefaultKey : Encoding.UTF8.GetBytes(secret);

    public string Encode(PagePosition position, IReadOnlyList<SortKey> sort)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("v", Version);
            json.WriteString("s", Signature(sort));
            json.WriteBoolean("b", position.Before);
            json.WriteStartArray("k");
            foreach (var key in position.Keys)
            {
                switch (key)
                {
                    case null: json.WriteNullValue(); break;
                    case string s: json.WriteStringValue(s); break;
                    case long l: json.WriteNumberValue(l); break;
                    case double d: json.WriteNumberValue(d); break;
                    default: throw new ArgumentException($"A sort value of type {key.GetType().Name} cannot be put in a cursor");
                }
            }
            json.WriteEndArray();
            json.WriteNumber("r", position.Rid);
            json.WriteEndObject();
        }
        var payload = buffer.ToArray();
        return Base64Url.EncodeToString(payload) + "." + Base64Url.EncodeToString(Tag(payload));
    }

    /// <summary>The position <paramref name="cursor"/> holds, or null with the reason when it is malformed, tampered with or made for another sort.</summary>
    public PagePosition? Decode(string cursor, IReadOnlyList<SortKey> sort, out string? error)
    {
        error = "not a page cursor issued by this server";
        var dot = cursor.IndexOf('.');
        if (dot < 0) return null;
        byte[] payload, tag;
        try
        {
            payload = Base64Url.DecodeFromChars(cursor.AsSpan(0, dot));
            tag = Base64Url.DecodeFromChars(cursor.AsSpan(dot + 1));
        }
        catch (FormatException) { return null; }
        if (!CryptographicOperations.FixedTimeEquals(tag, Tag(payload))) return null;

        try
        {
            var root = JsonDocument.Parse(payload).RootElement;
            if (root.GetProperty("v").GetInt32() != Version) return null;
            if (root.GetProperty("s").GetString() != Signature(sort))
            {
                error = "the page cursor belongs to another _sort";
                return null;
            }
            var values = root.GetProperty("k");
            if (values.GetArrayLength() != sort.Count) return null;
            var keys = new object?[sort.Count];
            for (var i = 0; i < sort.Count; i++)
            {
                var value = values[i];
                keys[i] = (value.ValueKind, sort[i].Kind) switch
                {
                    (JsonValueKind.Null, _) => null,
                    (JsonValueKind.String, SortValueKind.Text) => value.GetString(),
                    (JsonValueKind.Number, SortValueKind.Integer) => value.GetInt64(),
                    (JsonValueKind.Number, SortValueKind.Real) => value.GetDouble(),
                    _ => throw new FormatException(),
                };
            }
            error = null;
            return new PagePosition(keys, root.GetProperty("r").GetInt64(), root.GetProperty("b").GetBoolean());
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException or KeyNotFoundException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    private static string Signature(IReadOnlyList<SortKey> sort) => string.Join(',', sort);

    private byte[] Tag(byte[] payload) => HMACSHA256.HashData(_key, payload)[..TagBytes];
}
