global using System.Globalization;
global using Microsoft.Extensions.DependencyInjection;
