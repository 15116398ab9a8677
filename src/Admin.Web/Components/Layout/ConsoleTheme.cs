using MudBlazor;

namespace MailHost.Admin.Web.Components.Layout;

/// <summary>The console's one theme: MudBlazor's defaults with a calmer primary colour in both palettes.</summary>
public static class ConsoleTheme
{
    public static MudTheme Theme { get; } = new()
    {
        PaletteLight = new PaletteLight { Primary = "#3949ab", AppbarBackground = "#3949ab" },
        PaletteDark = new PaletteDark { Primary = "#7986cb" },
    };
}
