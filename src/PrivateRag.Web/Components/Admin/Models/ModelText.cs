using System.Globalization;

namespace PrivateRag.Web.Components.Admin.Models;

/// <summary>Numbers on the models page in the reader's culture: sizes in binary units, rates, durations.</summary>
public static class ModelText
{
    private static readonly string[] Units = ["B", "KB", "MB", "GB", "TB"];

    /// <summary>1,750,560 -> "1.7 MB" (1024-based, as operating systems show file sizes; never "1,002 KB").</summary>
    public static string Bytes(long? bytes, CultureInfo culture)
    {
        if (bytes is not { } value) return "—";
        double size = value;
        var unit = 0;
        while (size >= 1000 && unit < Units.Length - 1)
        {
            size /= 1024;
            unit++;
        }

        return (unit == 0 ? value.ToString("N0", culture) : size.ToString(size < 10 ? "0.0" : "N0", culture)) + " " + Units[unit];
    }

    public static string BytesPerSecond(double bytesPerSecond, CultureInfo culture) => Bytes((long)bytesPerSecond, culture) + "/s";

    public static string Number(double value, string format, CultureInfo culture) => value.ToString(format, culture);

    public static string Milliseconds(TimeSpan duration, CultureInfo culture) => duration.TotalMilliseconds.ToString("N0", culture) + " ms";
}
